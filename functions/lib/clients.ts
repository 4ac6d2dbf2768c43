import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * SDK clients, created once per cold start and handed to the handlers. Endpoints come from the
 * SDK's own AWS_ENDPOINT_URL_* variables (set only by the local stack). Timeouts keep every
 * dependency failure well inside the function's timeout: 3 attempts of at most 2 s each (0.5 s to connect, 1.5 s to answer), against a 10 s function timeout.
 */
const common = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 500, requestTimeout: 1_500 },
} as const;

export const dynamodb = new DynamoDBClient(common);
export const kms = new KMSClient(common);
export const secretsManager = new SecretsManagerClient(common);
