import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
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

export function clerkEvent(
  sub: string,
  offices: string[],
  request: { resource: string; pathParameters?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string>; body?: string },
): APIGatewayProxyEvent {
  return {
    resource: request.resource,
    path: request.resource,
    httpMethod: 'GET',
    headers: { ...request.headers },
    multiValueHeaders: {},
    pathParameters: request.pathParameters ?? null,
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: { requestId: 'in-process', authorizer: { claims: { sub, 'cognito:groups': offices.join(',') } } },
  } as unknown as APIGatewayProxyEvent;
}

export const lambdaContext = { getRemainingTimeInMillis: () => 10_000 } as Context;
