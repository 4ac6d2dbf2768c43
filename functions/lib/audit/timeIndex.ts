import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { eventsTable } from '#lib/cases/tables.ts';
import { mapBounded } from '#lib/runtime/concurrency.ts';
import { readEvent } from '#lib/cases/events.ts';
import { hoursBetween } from './chainKeys.ts';
import type { ChainedEvent } from './chain.ts';
import type { IndexedEvent } from './window.ts';

/**
 * Every event that happened in `[from, to)`, from the events table's time index (tables.ts,
 * `timeIndex`): one Query per hour and shard (paginated), never a Scan. What the checkpoint worker
 * seals and what `npm run audit` starts from. The index is eventually consistent: the worker stays
 * a settling margin behind the present (functions/checkpoint/checkpoint.ts). At most
 * QUERIES_IN_FLIGHT Queries at a time: a year's report is 70,080 of them (8,760 hours × 8 shards).
 */
export interface TimedEvent extends IndexedEvent {
  readonly event: ChainedEvent;
  readonly eventId: string;
}

/** How many of the time index's Queries run at once (the SDK's connection pool has 50 sockets). */
export const QUERIES_IN_FLIGHT = 16;

export async function eventsBetween(ddb: DynamoDBClient, tableName: string, from: string, to: string): Promise<TimedEvent[]> {
  const { name, partitionKey, sortKey, shards } = eventsTable.timeIndex;
  const queries = hoursBetween(from, to).flatMap((hour) => Array.from({ length: shards }, (_, shard) => `${hour}#${shard}`));
  const pages = await mapBounded(queries, QUERIES_IN_FLIGHT, async (bucket) => {
    const found: TimedEvent[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: name,
          KeyConditionExpression: '#bucket = :bucket AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#bucket': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':bucket': { S: bucket }, ':from': { S: from }, ':to': { S: to } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const event = readEvent(item);
        if (event.at < from || event.at >= to) continue;
        const caseId = item.caseId?.S ?? '';
        found.push({ caseId, seq: event.seq, hash: event.hash, expiresAt: Number(item.expiresAt?.N ?? 0), at: event.at, event, eventId: item.eventId?.S ?? '' });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  });
  return pages.flat();
}
