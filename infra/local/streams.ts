import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  DynamoDBStreamsClient} from '@aws-sdk/client-dynamodb-streams';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type GetRecordsCommandOutput,
  type GetShardIteratorCommandOutput,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { functionsOf, type FunctionTable, type StreamFilter } from '../../functions/functions.ts';

/**
 * The local stand-in for Lambda's DynamoDB event source mapping: for each stream-triggered worker
 * of the function table, the stream of its table (DynamoDB Local supports Streams) is polled and
 * its records handed in batches to the worker's handler, the same code Lambda runs. As in Lambda:
 * records in order per shard, at least once, `batchItemFailures` redelivered from the first failed
 * record, retried without limit as Lambda's mapping is configured (infra/constructs/functions.ts),
 * unless `maxRetries` sets one (then given up, logged). The position per shard
 * is kept in a checkpoint file, so a restarted stack resumes where it stopped.
 */
export type StreamHandler = (event: DynamoDBStreamEvent, context: unknown) => Promise<DynamoDBBatchResponse | void>;

export interface StreamWorker {
  readonly name: string;
  readonly tableName: string;
  readonly batchSize: number;
  /** The trigger's filter: other records pass the worker by, as Lambda's event filter lets them. */
  readonly only?: StreamFilter;
  readonly invoke: StreamHandler;
}

/** Whether a record passes a stream trigger's filter (Lambda's `FilterCriteria`, infra/constructs/functions.ts). */
export function passes(only: StreamFilter | undefined, record: StreamRecord): boolean {
  if (!only) return true;
  if (record.eventName !== only.eventName) return false;
  if (only.typeIn !== undefined && !only.typeIn.includes(record.dynamodb?.NewImage?.type?.S ?? '')) return false;
  return only.skBeginsWith === undefined || (record.dynamodb?.Keys?.sk?.S ?? '').startsWith(only.skBeginsWith);
}

export interface StreamPollerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly workers: readonly StreamWorker[];
  /** JSON file of the last handled sequence number per worker and shard. */
  readonly checkpointFile: string;
  readonly intervalMs?: number;
  readonly maxRetries?: number;
  readonly log?: (line: string) => void;
}

type Checkpoints = Record<string, string>;

/**
 * A stream record as Lambda hands it to a function: the SDK reads `ApproximateCreationDateTime` as
 * a Date, Lambda's event carries epoch seconds (keepFiles computes a file's retention class from it).
 */
function toEventRecord(record: StreamRecord, streamArn: string): DynamoDBStreamEvent['Records'][number] {
  const created: unknown = record.dynamodb?.ApproximateCreationDateTime;
  const dynamodb = created instanceof Date ? { ...record.dynamodb, ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : record.dynamodb;
  return { ...(record as DynamoDBStreamEvent['Records'][number]), dynamodb: dynamodb as DynamoDBStreamEvent['Records'][number]['dynamodb'], eventSourceARN: streamArn };
}

/** The stream-triggered workers of a function table, with their table's local name and handler module. */
export function streamWorkersOf(table: FunctionTable, tableNames: Readonly<Record<'cases' | 'events', string>>) {
  return functionsOf(table).flatMap(({ name, trigger }) =>
    trigger.kind === 'stream'
      ? [{ name, tableName: tableNames[trigger.table], batchSize: trigger.batchSize ?? 10, only: trigger.only, module: `../../functions/${name}/handler.ts` }]
      : [],
  );
}

export function startStreamPollers(options: StreamPollerOptions): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 250;
  const maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const checkpoints: Checkpoints = existsSync(options.checkpointFile) ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Checkpoints) : {};
  const save = () => writeFileSync(options.checkpointFile, JSON.stringify(checkpoints), { mode: 0o600 });
  let stopped = false;

  /** Each table's stream, looked up once: a DescribeTable every round was a quarter of the pollers' calls (issue 32). */
  const streamArns = new Map<string, Promise<string>>();
  function streamOf(worker: StreamWorker): Promise<string> {
    let arn = streamArns.get(worker.tableName);
    if (!arn) {
      arn = options.dynamodb.send(new DescribeTableCommand({ TableName: worker.tableName })).then((table) => {
        if (!table.Table?.LatestStreamArn) throw new Error(`table ${worker.tableName} has no stream for ${worker.name}`);
        return table.Table.LatestStreamArn;
      });
      // A failed lookup is tried again next round.
      arn.catch(() => streamArns.delete(worker.tableName));
      streamArns.set(worker.tableName, arn);
    }
    return arn;
  }

  /** One round over every shard of a worker's stream: at most one batch per shard. */
  async function pollOnce(worker: StreamWorker, attempts: Map<string, number>): Promise<void> {
    const streamArn = await streamOf(worker);
    const stream = await options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of stream.StreamDescription?.Shards ?? []) {
      if (stopped || !shard.ShardId) return;
      const key = `${worker.name}/${shard.ShardId}`;
      const after = checkpoints[key];
      const { ShardIterator }: GetShardIteratorCommandOutput = await options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      if (!ShardIterator) continue;
      const page: GetRecordsCommandOutput = await options.streams.send(new GetRecordsCommand({ ShardIterator, Limit: worker.batchSize }));
      const records: StreamRecord[] = page.Records ?? [];
      if (records.length === 0) continue;
      const chosen = records.filter((record) => passes(worker.only, record));
      let response: DynamoDBBatchResponse | void;
      try {
        response =
          chosen.length === 0
            ? { batchItemFailures: [] }
            : await worker.invoke({ Records: chosen.map((record) => toEventRecord(record, streamArn)) }, { functionName: worker.name });
      } catch (error) {
        response = { batchItemFailures: [{ itemIdentifier: chosen[0]?.dynamodb?.SequenceNumber ?? '' }] };
        log(`stream worker ${worker.name} failed: ${(error as Error).name}`);
      }
      // Everything before the first failed record is done; the rest comes again next round.
      const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      const firstFailed = records.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
      const done = firstFailed === -1 ? records : records.slice(0, firstFailed);
      if (firstFailed !== -1) {
        const tries = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, tries);
        if (tries <= maxRetries) {
          if (done.length > 0) checkpoints[key] = done.at(-1)?.dynamodb?.SequenceNumber ?? after ?? '';
          save();
          continue;
        }
        log(`stream worker ${worker.name}: gave up on record ${records[firstFailed]?.dynamodb?.SequenceNumber} after ${maxRetries} retries`);
      }
      attempts.delete(key);
      const last = (firstFailed === -1 ? records : records.slice(0, firstFailed + 1)).at(-1)?.dynamodb?.SequenceNumber;
      if (last) checkpoints[key] = last;
      save();
    }
  }

  const loops = options.workers.map(async (worker) => {
    const attempts = new Map<string, number>();
    while (!stopped) {
      try {
        await pollOnce(worker, attempts);
      } catch (error) {
        if (!stopped) log(`stream poller of ${worker.name}: ${(error as Error).name}`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  });

  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
