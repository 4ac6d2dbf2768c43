import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readListShard } from '#lib/cases/list.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { LIST_SHARDS } from '#lib/cases/tables.ts';

/**
 * The summaries of one form's cases of one office received in `[from, to)`, from the list index
 * `byForm` (one Query per shard, in parallel, each paged until it holds more than `max` entries
 * or is exhausted): never a Scan, never the envelope. The list sort key is
 * `<receivedAt>#<caseId>`, so `from` (inclusive) and `to` (exclusive) become a key condition.
 * `tooMany` says that more than `max` cases lie in the range; the items are then incomplete.
 */
export interface ExportRange {
  office: string;
  formId: string;
  /** RFC 3339 UTC with milliseconds, inclusive. */
  from?: string;
  /** RFC 3339 UTC with milliseconds, exclusive. */
  to?: string;
}

export function createCaseRange(ddb: DynamoDBClient, tableName: string, now: () => Date = () => new Date()) {
  function shard(range: ExportRange, shardNo: number, max: number, nowSeconds: number): Promise<CaseSummary[]> {
    // `<to>#<caseId>` sorts after `<to>`: BETWEEN ... AND <to> leaves out cases received at `to`.
    const values: Record<string, AttributeValue> = {};
    if (range.from !== undefined) values[':from'] = { S: range.from };
    if (range.to !== undefined) values[':to'] = { S: range.to };
    const expression =
      range.from !== undefined && range.to !== undefined ? '#sk BETWEEN :from AND :to' : range.from !== undefined ? '#sk >= :from' : '#sk < :to';
    return readListShard(ddb, tableName, {
      scope: { office: range.office, formId: range.formId },
      shard: shardNo,
      // One more than allowed: "more than max" is then known without reading further.
      want: max + 1,
      nowSeconds,
      purpose: 'an export',
      ...(range.from !== undefined || range.to !== undefined ? { sortKey: { expression, values } } : {}),
    });
  }

  return async (range: ExportRange, max: number): Promise<{ items: CaseSummary[]; tooMany: boolean }> => {
    const nowSeconds = Math.floor(now().getTime() / 1000);
    const shards = await Promise.all(Array.from({ length: LIST_SHARDS }, (_, shardNo) => shard(range, shardNo, max, nowSeconds)));
    const merged = shards.flat();
    if (merged.length > max) return { items: [], tooMany: true };
    // Oldest first: the order a register is read in.
    merged.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.caseId < b.caseId ? -1 : 1));
    return { items: merged, tooMany: false };
  };
}

export type CaseRange = ReturnType<typeof createCaseRange>;
