import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { local, stackInfo } from './api.ts';

// Handlers run in the test process against the suite's DynamoDB Local and local KMS, with clients
// the test instruments: how calls per operation are counted and dependencies made to fail.

export function countingClients() {
  const calls = { kms: [] as string[], dynamodb: [] as string[] };
  const kms = new KMSClient({ ...local(), endpoint: stackInfo().kmsEndpoint });
  const dynamodb = new DynamoDBClient({ ...local(), endpoint: stackInfo().dynamodbEndpoint });
  kms.middlewareStack.add((next, context) => async (args) => {
    calls.kms.push(String(context.commandName));
    return next(args);
  }, { step: 'initialize' });
  dynamodb.middlewareStack.add((next, context) => async (args) => {
    calls.dynamodb.push(String(context.commandName));
    return next(args);
  }, { step: 'initialize' });
  return { kms, dynamodb, calls };
}
