import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { listPartition, readSummary, type ListScope } from './items.ts';
import type { CaseSummary } from './model.ts';
import { LIST_SHARDS, LIST_SORT_KEY } from './tables.ts';

/**
 * An office's cases, newest first, from the sharded list indexes: one Query per shard (in
 * parallel), merged by sort key. Each shard is asked for one entry more than the page holds, so
 * "is there more?" is known exactly. Never a Scan, never the envelope, never a decryption.
 */
export type CaseList = ReturnType<typeof createCaseList>;

export function createCaseList(ddb: DynamoDBClient, tableName: string) {
  return async (scope: ListScope, limit: number, after?: string): Promise<{ items: (CaseSummary & { sortKey: string })[]; more: boolean }> => {
    const pages = await Promise.all(
      Array.from({ length: LIST_SHARDS }, (_, shard) => {
        const { index, attribute, value } = listPartition(scope, shard);
        return ddb.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index,
            KeyConditionExpression: after ? '#pk = :pk AND #sk < :after' : '#pk = :pk',
            ExpressionAttributeNames: { '#pk': attribute, ...(after ? { '#sk': LIST_SORT_KEY } : {}) },
            ExpressionAttributeValues: { ':pk': { S: value }, ...(after ? { ':after': { S: after } } : {}) },
            ScanIndexForward: false,
            Limit: limit + 1,
          }),
        );
      }),
    );
    const merged = pages
      .flatMap((page) => page.Items ?? [])
      .map((item) => ({ ...readSummary(item), sortKey: item[LIST_SORT_KEY]?.S ?? '' }))
      .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
    return { items: merged.slice(0, limit), more: merged.length > limit };
  };
}
