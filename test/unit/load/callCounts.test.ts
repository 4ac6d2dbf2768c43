import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { countsBetween, createCallCounter, EVENT_SOURCES, operationOf, type CallCounter } from '../../../infra/local/callCounts.ts';

// What the load test's calls per submission rest on (infra/local/callCounts.ts): every request the
// SDK clients send is named by service and operation and counted for the function it runs in.

describe('operationOf', () => {
  const rest = { '4569': 'S3', '8005': 'SESv2' };
  it('names JSON-protocol calls by their X-Amz-Target', () => {
    expect(operationOf({ method: 'POST', path: '/', port: '1', target: 'DynamoDB_20120810.TransactWriteItems' }, rest)).toBe('DynamoDB.TransactWriteItems');
    expect(operationOf({ method: 'POST', path: '/', port: '1', target: 'DynamoDBStreams_20120810.GetRecords' }, rest)).toBe('DynamoDBStreams.GetRecords');
    expect(operationOf({ method: 'POST', path: '/', port: '1', target: 'TrentService.GenerateDataKey' }, rest)).toBe('KMS.GenerateDataKey');
    expect(operationOf({ method: 'POST', path: '/', port: '1', target: 'secretsmanager.GetSecretValue' }, rest)).toBe('SecretsManager.GetSecretValue');
    expect(operationOf({ method: 'POST', path: '/', port: '1', target: 'AmazonSQS.SendMessage' }, rest)).toBe('SQS.SendMessage');
  });
  it('names REST calls by their service port: S3 objects apart from buckets, SES by path', () => {
    expect(operationOf({ method: 'PUT', path: '/vault/cases/01J/file?x-id=PutObject', port: '4569' }, rest)).toBe('S3.PUT object');
    expect(operationOf({ method: 'GET', path: '/vault?list-type=2', port: '4569' }, rest)).toBe('S3.GET bucket');
    expect(operationOf({ method: 'POST', path: '/v2/email/outbound-emails', port: '8005' }, rest)).toBe('SESv2.POST /v2/email/outbound-emails');
  });
});

describe('a call counter', () => {
  let server: Server;
  let counter: CallCounter;
  let endpoint: string;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  beforeAll(async () => {
    // Answers every request with an empty JSON object (enough for the SDK) after a short pause, so
    // that calls of concurrent invocations interleave.
    server = createServer((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'), 5);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    counter = createCallCounter({ [endpoint]: 'S3' });
  });
  afterAll(async () => {
    counter.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('counts each call for the invocation it runs in, by operation, and calls outside any for the event sources', async () => {
    const dynamodb = new DynamoDBClient({ endpoint, region: 'eu-central-1', credentials, maxAttempts: 1 });
    const kms = new KMSClient({ endpoint, region: 'eu-central-1', credentials, maxAttempts: 1 });
    const before = counter.snapshot();
    const submit = counter.counted('submit', async (_event: unknown, _context: unknown) => {
      await dynamodb.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } }));
      await kms.send(new GenerateDataKeyCommand({ KeyId: 'k', KeySpec: 'AES_256' }));
      await dynamodb.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'b' } } }));
    });
    const dispatch = counter.counted('dispatch', async (_event: { Records: unknown[] }, _context: unknown) => {
      await dynamodb.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
    });
    // Interleaved: two submissions and a batch of three records at once, and a poll outside them.
    await Promise.all([
      submit({}, {}),
      submit({}, {}),
      dispatch({ Records: [1, 2, 3] }, {}),
      dynamodb.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'poll' } } })),
    ]);
    expect(countsBetween(before, counter.snapshot())).toEqual({
      submit: { invocations: 2, records: 2, calls: { 'DynamoDB.PutItem': 4, 'KMS.GenerateDataKey': 2 } },
      dispatch: { invocations: 1, records: 3, calls: { 'DynamoDB.GetItem': 1 } },
      [EVENT_SOURCES]: { invocations: 0, records: 0, calls: { 'DynamoDB.GetItem': 1 } },
    });
    dynamodb.destroy();
    kms.destroy();
  });

  it('names a REST service by its endpoint', async () => {
    const s3 = new S3Client({ endpoint, region: 'eu-central-1', credentials, forcePathStyle: true, maxAttempts: 1 });
    const before = counter.snapshot();
    await counter.counted('downloadAttachment', (_event: unknown, _context: unknown) => s3.send(new GetObjectCommand({ Bucket: 'vault', Key: 'cases/x' })))({}, {}).catch(() => undefined);
    expect(countsBetween(before, counter.snapshot()).downloadAttachment?.calls).toEqual({ 'S3.GET object': 1 });
    s3.destroy();
  });
});
