import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { boundedByDeadline } from './deadline.ts';

/**
 * SDK clients, created once per cold start and handed to the handlers. Endpoints come from the
 * SDK's own AWS_ENDPOINT_URL_* variables (set only by the local stack). Timeouts keep every
 * dependency failure well inside the function's timeout: 3 attempts of at most 2 s each (0.5 s to connect, 1.5 s to answer), against a 10 s function timeout.
 */
const common = {
  maxAttempts: 3,
  // Without throwOnRequestTimeout, @smithy/node-http-handler 4 only logs a warning when the
  // request timeout passes and keeps waiting: a stalled dependency would hold the request until
  // the function timeout. test/integration/dependencyFaults.test.ts proves the 503 in time.
  requestHandler: { connectionTimeout: 500, requestTimeout: 1_500, throwOnRequestTimeout: true },
} as const;

// `@__PURE__` lets the bundler drop a client its handler never uses: that handler then neither
// ships its SDK package nor constructs it at cold start (getCase needs no Secrets Manager, ...).
// Both the call and the construction carry it: esbuild keeps the arguments of a pure call that is
// dropped, so with the call marked alone every bundle constructed all four clients
// (test/unit/bench/coldStartFloors.test.ts).
// Every call also ends at the request's deadline (deadline.ts).
export const dynamodb = /* @__PURE__ */ boundedByDeadline(/* @__PURE__ */ new DynamoDBClient(common));
export const kms = /* @__PURE__ */ boundedByDeadline(/* @__PURE__ */ new KMSClient(common));
export const secretsManager = /* @__PURE__ */ boundedByDeadline(/* @__PURE__ */ new SecretsManagerClient(common));
export const sqs = /* @__PURE__ */ boundedByDeadline(/* @__PURE__ */ new SQSClient(common));
