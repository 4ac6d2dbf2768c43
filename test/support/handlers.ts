import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { S3_CLIENT_SETTINGS } from '#lib/attachments/s3.ts';
import { local, stackInfo } from './api.ts';

// Handlers run in the test process against the suite's DynamoDB Local and local KMS, with clients
// the test instruments: how calls per operation are counted and dependencies made to fail.

export function countingClients() {
  const calls = { kms: [] as string[], dynamodb: [] as string[], s3: [] as string[] };
  const kms = new KMSClient({ ...local(), endpoint: stackInfo().kmsEndpoint });
  const dynamodb = new DynamoDBClient({ ...local(), endpoint: stackInfo().dynamodbEndpoint });
  // The functions' S3 settings; a presigned URL is signed by the client without a call (the
  // middleware sees only requests that are sent).
  const s3 = new S3Client({ ...S3_CLIENT_SETTINGS, ...local(), endpoint: stackInfo().s3Endpoint });
  kms.middlewareStack.add((next, context) => async (args) => {
    calls.kms.push(String(context.commandName));
    return next(args);
  }, { step: 'initialize' });
  dynamodb.middlewareStack.add((next, context) => async (args) => {
    calls.dynamodb.push(String(context.commandName));
    return next(args);
  }, { step: 'initialize' });
  s3.middlewareStack.add((next, context) => async (args) => {
    calls.s3.push(String(context.commandName));
    return next(args);
  }, { step: 'finalizeRequest' });
  return { kms, dynamodb, s3, calls };
}
