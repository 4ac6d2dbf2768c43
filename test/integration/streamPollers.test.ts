import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { functions, type FunctionTable } from '../../functions/functions.ts';
import { startStreamPollers, streamWorkersOf, type StreamHandler } from '../../infra/local/streams.ts';
import { local, stackInfo } from '../support/api.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

/**
 * The local stand-in for Lambda's stream event source mapping, against the suite's DynamoDB Local
 * (which supports Streams): a table of its own with a stream, records in order, failures
 * redelivered, a restart resuming from its checkpoint.
 */
const tableName = `egov-stream-test-${Date.now()}`;
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let checkpointFile: string;

beforeAll(async () => {
  dynamodb = new DynamoDBClient({ ...local(), endpoint: stackInfo().dynamodbEndpoint });
  streams = new DynamoDBStreamsClient({ ...local(), endpoint: stackInfo().dynamodbEndpoint });
  checkpointFile = join(tempDir('egov-streams-'), 'checkpoints.json');
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
});

afterAll(async () => {
  await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
  dynamodb.destroy();
  streams.destroy();
  removeTempDirs();
});

const put = (id: string) => dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id } } }));
const idsOf = (event: DynamoDBStreamEvent) => event.Records.map((record) => record.dynamodb?.NewImage?.id?.S ?? '?');

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('stream pollers of the local stack', () => {
  it('derive the stream workers from the function table: one per stream-triggered entry', () => {
    expect(streamWorkersOf(functions, { cases: 'c', events: 'e' })).toEqual([
      { name: 'dispatch', tableName: 'e', batchSize: 25, only: functions.dispatch.trigger.only, module: '../../functions/dispatch/handler.ts' },
      { name: 'keepFiles', tableName: 'c', batchSize: 25, only: { eventName: 'INSERT', skBeginsWith: 'CASE#FILE#' }, module: '../../functions/keepFiles/handler.ts' },
      { name: 'acceptReply', tableName: 'c', batchSize: 10, only: { eventName: 'INSERT', skBeginsWith: 'CASE#REPLY#' }, module: '../../functions/acceptReply/handler.ts' },
    ]);
    const table: FunctionTable = { ...functions, listEvents: { trigger: { kind: 'stream', table: 'events', batchSize: 5 }, needs: {} } };
    expect(streamWorkersOf(table, { cases: 'c', events: 'e' })).toContainEqual({ name: 'listEvents', tableName: 'e', batchSize: 5, module: '../../functions/listEvents/handler.ts' });
  });

  it('hand the records to the worker in order, redeliver from the first failed record, and resume after a restart from the checkpoint', async () => {
    const seen: string[] = [];
    let failedOnce = false;
    const invoke: StreamHandler = async (event) => {
      const ids = idsOf(event);
      const failing = ids.indexOf('r3');
      if (failing !== -1 && !failedOnce) {
        failedOnce = true;
        seen.push(...ids.slice(0, failing));
        return { batchItemFailures: [{ itemIdentifier: event.Records[failing]?.dynamodb?.SequenceNumber ?? '' }] };
      }
      seen.push(...ids);
      return { batchItemFailures: [] };
    };
    const worker = { name: 'test', tableName, batchSize: 10, invoke };
    let pollers = startStreamPollers({ dynamodb, streams, workers: [worker], checkpointFile, intervalMs: 50, log: () => undefined });
    for (const id of ['r1', 'r2', 'r3', 'r4']) await put(id);
    await until(() => seen.length >= 4);
    await pollers.stop();
    expect(seen).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(failedOnce).toBe(true);

    // Stopped and started again: nothing handled is handed over twice, and new records come.
    await put('r5');
    pollers = startStreamPollers({ dynamodb, streams, workers: [worker], checkpointFile, intervalMs: 50, log: () => undefined });
    await until(() => seen.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pollers.stop();
    expect(seen).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it("hand a worker with a filter only the records it is for, as Lambda's event filter does, and move past the others", async () => {
    const seen: string[] = [];
    const invoke: StreamHandler = async (event) => {
      seen.push(...event.Records.map((record) => `${record.eventName} ${record.dynamodb?.NewImage?.id?.S ?? '?'}`));
      return { batchItemFailures: [] };
    };
    const worker = { name: 'filtered', tableName, batchSize: 10, only: { eventName: 'MODIFY' as const }, invoke };
    const file = `${checkpointFile}.3`;
    let pollers = startStreamPollers({ dynamodb, streams, workers: [worker], checkpointFile: file, intervalMs: 20, log: () => undefined });
    await put('f1');
    await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: 'f1' }, changed: { BOOL: true } } }));
    await put('f2');
    await until(() => seen.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pollers.stop();
    expect(seen.filter((entry) => entry.endsWith(' f1') || entry.endsWith(' f2'))).toEqual(['MODIFY f1']);
    // The records passed by are behind the checkpoint: a restart hands nothing again.
    const before = seen.length;
    pollers = startStreamPollers({ dynamodb, streams, workers: [worker], checkpointFile: file, intervalMs: 20, log: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pollers.stop();
    expect(seen.length).toBe(before);
  });

  it('give up on a record that keeps failing after the retries, and go on with the next', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    const invoke: StreamHandler = async (event) => {
      const ids = idsOf(event);
      const poison = ids.indexOf('poison');
      seen.push(...ids.slice(0, poison === -1 ? ids.length : poison));
      return { batchItemFailures: poison === -1 ? [] : [{ itemIdentifier: event.Records[poison]?.dynamodb?.SequenceNumber ?? '' }] };
    };
    const worker = { name: 'poisoned', tableName, batchSize: 10, invoke };
    const pollers = startStreamPollers({ dynamodb, streams, workers: [worker], checkpointFile: `${checkpointFile}.2`, intervalMs: 20, maxRetries: 3, log: (line) => lines.push(line) });
    await put('poison');
    await put('after');
    await until(() => seen.includes('after'));
    await pollers.stop();
    expect(lines.some((line) => line.includes('gave up') && line.includes('after 3 retries'))).toBe(true);
  });

  it('look up the stream of a table once, however many rounds and workers poll it (issue 32: a quarter of their calls)', async () => {
    let described = 0;
    const counting = {
      send: (command: Parameters<DynamoDBClient['send']>[0]) => {
        if (command instanceof DescribeTableCommand) described += 1;
        return dynamodb.send(command);
      },
    } as unknown as DynamoDBClient;
    const seen: string[] = [];
    const invoke: StreamHandler = async (event) => {
      seen.push(...idsOf(event));
      return { batchItemFailures: [] };
    };
    const workers = ['a', 'b'].map((name) => ({ name: `once-${name}`, tableName, batchSize: 10, invoke }));
    const pollers = startStreamPollers({ dynamodb: counting, streams, workers, checkpointFile: `${checkpointFile}.4`, intervalMs: 20, log: () => undefined });
    // Each worker sees d1 in one round and d2, put only after, in a later one.
    await put('d1');
    await until(() => seen.filter((id) => id === 'd1').length === 2);
    await put('d2');
    await until(() => seen.filter((id) => id === 'd2').length === 2);
    await pollers.stop();
    expect(described).toBe(1);
  });
});
