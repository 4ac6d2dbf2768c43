import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { logger } from '#lib/runtime/logger.ts';
import { countIntegrityError } from '#lib/runtime/metrics.ts';
import { listPartition, readSummary, type ListScope } from './items.ts';
import type { CaseSummary } from './model.ts';
import { casesTable, LIST_SHARDS, LIST_SORT_KEY } from './tables.ts';

/**
 * An office's cases, newest first, from the sharded list indexes: one Query per shard (in
 * parallel), merged lazily by sort key (createCaseList). Together the shards are read until the
 * page and one entry more are known (or the shards are exhausted), so "is there more?" is known
 * exactly even when expired cases are filtered out. Never a Scan, never the envelope, never a decryption. A damaged entry is left out
 * of the page, logged and counted as an integrity error: it never fails the whole list.
 */
export type CaseList = ReturnType<typeof createCaseList>;

export type ListEntry = CaseSummary & { sortKey: string };

const LIST_SCOPE_FIELDS = ['office', 'formId', 'status'] as const satisfies readonly (keyof ListScope)[];

/** A condition on the list sort key `<receivedAt>#<caseId>`, written with `#sk` and its own values. */
export interface SortKeyCondition {
  readonly expression: string;
  readonly values: Record<string, AttributeValue>;
}

/**
 * One partition (shard) of a list index, newest first, read page by page until it holds `want`
 * entries or is exhausted. Expired cases are filtered out (retention: a case past its expiry is gone
 * for clerks, even before TTL removes it); an entry that is damaged, or whose office, form or status
 * is not its partition's (changed in the table), is left out, logged and counted as an integrity
 * error, so that it never fails the whole answer. `purpose` names the answer in that log line.
 */
export async function readListShard(
  ddb: DynamoDBClient,
  tableName: string,
  query: { scope: ListScope; shard: number; want: number; nowSeconds: number; sortKey?: SortKeyCondition; purpose: string },
): Promise<ListEntry[]> {
  const { scope, sortKey } = query;
  const { index, attribute, value } = listPartition(scope, query.shard);
  const entries: ListEntry[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: sortKey ? `#pk = :pk AND ${sortKey.expression}` : '#pk = :pk',
        FilterExpression: '#expires > :now',
        ExpressionAttributeNames: { '#pk': attribute, '#expires': casesTable.ttlAttribute, ...(sortKey ? { '#sk': LIST_SORT_KEY } : {}) },
        ExpressionAttributeValues: { ':pk': { S: value }, ':now': { N: String(query.nowSeconds) }, ...sortKey?.values },
        ScanIndexForward: false,
        Limit: query.want - entries.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      try {
        const summary = readSummary(item);
        if (LIST_SCOPE_FIELDS.some((field) => scope[field] !== undefined && summary[field] !== scope[field])) {
          throw new Error('stored item does not belong to the list it is indexed in');
        }
        entries.push({ ...summary, sortKey: item[LIST_SORT_KEY]?.S ?? '' });
      } catch (error) {
        logger.error(`damaged case item left out of ${query.purpose}`, { caseId: item.caseId?.S, reason: (error as Error).message });
        countIntegrityError();
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && entries.length < query.want);
  return entries;
}

/**
 * How many entries the first read of each shard asks for: twice the shard's share of a page (one
 * more than the page holds, for "is there more?"). The newest `limit + 1` entries of an office fall
 * into the shards at random (shardOf), so a shard holds more than twice its share of them only
 * rarely (about 2 % of pages of 25); only then is that shard read a second time. Reading every
 * shard for a whole page instead would read four times the items a page shows.
 */
export const firstReadPerShard = (limit: number): number => Math.min(limit + 1, Math.ceil((2 * (limit + 1)) / LIST_SHARDS));

const newestFirst = (a: ListEntry, b: ListEntry): number => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0);

export function createCaseList(ddb: DynamoDBClient, tableName: string, now: () => Date = () => new Date()) {
  const shardPage = (scope: ListScope, shard: number, want: number, after: string | undefined, nowSeconds: number) =>
    readListShard(ddb, tableName, {
      scope,
      shard,
      want,
      nowSeconds,
      purpose: 'a list',
      ...(after ? { sortKey: { expression: '#sk < :after', values: { ':after': { S: after } } } } : {}),
    });

  /**
   * The page after `after` (newest first) and whether more follow, merged lazily from the shards:
   * each shard is first read for `firstReadPerShard(limit)` entries, all in parallel; a shard is
   * read on (after its last entry, up to `limit + 1` in all) only while it is not exhausted and its
   * last entry is newer than the merged `limit + 1`-th, i.e. while an entry it has not yet
   * returned could still belong on the page. The answer is the one reading every shard for
   * `limit + 1` entries would give.
   */
  return async (scope: ListScope, limit: number, after?: string): Promise<{ items: ListEntry[]; more: boolean }> => {
    const nowSeconds = Math.floor(now().getTime() / 1000);
    const shards = Array.from({ length: LIST_SHARDS }, (_, shard) => ({ shard, entries: [] as ListEntry[], exhausted: false }));
    let reading = shards;
    let want = firstReadPerShard(limit);
    for (;;) {
      await Promise.all(
        reading.map(async (state) => {
          const ask = Math.min(want, limit + 1 - state.entries.length);
          const read = await shardPage(scope, state.shard, ask, state.entries.at(-1)?.sortKey ?? after, nowSeconds);
          state.entries.push(...read);
          state.exhausted = read.length < ask;
        }),
      );
      const merged = shards.flatMap((state) => state.entries).sort(newestFirst);
      const cutoff = merged[limit]?.sortKey;
      reading = shards.filter((state) => !state.exhausted && (cutoff === undefined || state.entries.at(-1)!.sortKey > cutoff));
      if (reading.length === 0) return { items: merged.slice(0, limit), more: merged.length > limit };
      want = limit + 1;
    }
  };
}
