import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { logger } from '#lib/runtime/logger.ts';
import { countIntegrityError } from '#lib/runtime/metrics.ts';
import { listPartition, readSummary, type ListScope } from './items.ts';
import type { CaseSummary } from './model.ts';
import { casesTable, LIST_SHARDS, LIST_SORT_KEY } from './tables.ts';

/**
 * An office's cases, newest first, from the sharded list indexes: one Query per shard (in
 * parallel), merged by sort key. Each shard is read until it has one entry more than the page
 * holds (or is exhausted), so "is there more?" is known exactly even when expired cases are
 * filtered out. Never a Scan, never the envelope, never a decryption. A damaged entry is left out
 * of the page, logged and counted as an integrity error: it never fails the whole list.
 */
export type CaseList = ReturnType<typeof createCaseList>;

type Entry = CaseSummary & { sortKey: string };

const LIST_SCOPE_FIELDS = ['office', 'formId', 'status'] as const satisfies readonly (keyof ListScope)[];

export function createCaseList(ddb: DynamoDBClient, tableName: string, now: () => Date = () => new Date()) {
  async function shardPage(scope: ListScope, shard: number, want: number, after: string | undefined, nowSeconds: number): Promise<Entry[]> {
    const { index, attribute, value } = listPartition(scope, shard);
    const entries: Entry[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: after ? '#pk = :pk AND #sk < :after' : '#pk = :pk',
          // Retention: a case past its expiry is gone for clerks, even before TTL removes it.
          FilterExpression: '#expires > :now',
          ExpressionAttributeNames: { '#pk': attribute, '#expires': casesTable.ttlAttribute, ...(after ? { '#sk': LIST_SORT_KEY } : {}) },
          ExpressionAttributeValues: { ':pk': { S: value }, ':now': { N: String(nowSeconds) }, ...(after ? { ':after': { S: after } } : {}) },
          ScanIndexForward: false,
          Limit: want - entries.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          const summary = readSummary(item);
          // An entry whose office, form or status is not the partition's was changed in the table.
          if (LIST_SCOPE_FIELDS.some((field) => scope[field] !== undefined && summary[field] !== scope[field])) {
            throw new Error('stored item does not belong to the list it is indexed in');
          }
          entries.push({ ...summary, sortKey: item[LIST_SORT_KEY]?.S ?? '' });
        } catch (error) {
          logger.error('damaged case item left out of a list', { caseId: item.caseId?.S, reason: (error as Error).message });
          countIntegrityError();
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length < want);
    return entries;
  }

  return async (scope: ListScope, limit: number, after?: string): Promise<{ items: Entry[]; more: boolean }> => {
    const nowSeconds = Math.floor(now().getTime() / 1000);
    const pages = await Promise.all(Array.from({ length: LIST_SHARDS }, (_, shard) => shardPage(scope, shard, limit + 1, after, nowSeconds)));
    const merged = pages.flat().sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
    return { items: merged.slice(0, limit), more: merged.length > limit };
  };
}
