import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { eventsTable } from '#lib/cases/tables.ts';
import { readEvent } from '#lib/cases/events.ts';
import { hoursBetween } from './chainKeys.ts';
import type { ChainedEvent } from './chain.ts';
import type { IndexedEvent } from './window.ts';

/**
 * Every event that happened in `[from, to)`, from the events table's time index (tables.ts,
 * `timeIndex`): one Query per hour and shard (paginated), never a Scan. What the checkpoint worker
 * seals and what `npm run audit` starts from. The index is eventually consistent: the worker stays
 * a settling margin behind the present (functions/checkpoint/checkpoint.ts).
 */
export interface TimedEvent extends IndexedEvent {
  readonly event: ChainedEvent;
  readonly eventId: string;
}

export async function eventsBetween(ddb: DynamoDBClient, tableName: string, from: string, to: string): Promise<TimedEvent[]> {
  const { name, partitionKey, sortKey, shards } = eventsTable.timeIndex;
  const queries = hoursBetween(from, to).flatMap((hour) => Array.from({ length: shards }, (_, shard) => `${hour}#${shard}`));
  const pages = await Promise.all(
    queries.map(async (bucket) => {
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
    }),
  );
  return pages.flat();
}
