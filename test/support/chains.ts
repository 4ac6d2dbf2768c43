import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { expect } from '@jest/globals';
import { dynamodb, stackInfo } from './api.ts';

export interface ChainEntry {
  readonly seq: number;
  readonly type: string;
  readonly actor: string;
}

/** A case's stored event items in the shared local stack, in chain order (every page). */
export async function eventItemsOf(caseId: string): Promise<Record<string, AttributeValue>[]> {
  const client = dynamodb();
  const items: Record<string, AttributeValue>[] = [];
  try {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ TableName: stackInfo().tables.events, KeyConditionExpression: 'caseId = :c', ExpressionAttributeValues: { ':c': { S: caseId } }, ConsistentRead: true, ExclusiveStartKey }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  } finally {
    client.destroy();
  }
}

/** A case's audit chain as stored in the shared local stack: seq, type and actor of each event. */
export async function chainOf(caseId: string): Promise<ChainEntry[]> {
  return (await eventItemsOf(caseId)).map((item) => ({ seq: Number(item.seq?.N), type: item.type?.S ?? '', actor: item.actor?.S ?? '' }));
}

/**
 * The event writes of one audited call: one PutItem, and one more per race lost to another writer
 * appending to the same case meanwhile (a worker: the confirmation, the delivery), so at most one
 * per event another actor added between `before` and this call's own event.
 */
export function expectAuditedWrites(writes: readonly string[], before: readonly ChainEntry[], after: readonly ChainEntry[], own: { actor: string; type: string }): void {
  expect(writes.length).toBeGreaterThanOrEqual(1);
  expect(writes.every((call) => call === 'PutItemCommand')).toBe(true);
  const known = new Set(before.map((event) => event.seq));
  const mine = after.filter((event) => event.actor === own.actor && event.type === own.type && !known.has(event.seq));
  expect(mine).toHaveLength(1);
  const othersMeanwhile = after.filter((event) => event.seq < mine[0]!.seq && event.actor !== own.actor && !known.has(event.seq));
  expect(writes.length - 1).toBeLessThanOrEqual(othersMeanwhile.length);
}
