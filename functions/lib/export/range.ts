import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { listPartition, readSummary } from '#lib/cases/items.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { casesTable, LIST_SHARDS, LIST_SORT_KEY } from '#lib/cases/tables.ts';
import { logger } from '#lib/runtime/logger.ts';
import { countIntegrityError } from '#lib/runtime/metrics.ts';

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
  async function shard(range: ExportRange, shardNo: number, max: number, nowSeconds: number): Promise<CaseSummary[]> {
    const { index, attribute, value } = listPartition({ office: range.office, formId: range.formId }, shardNo);
    const names: Record<string, string> = { '#pk': attribute, '#expires': casesTable.ttlAttribute };
    const values: Record<string, AttributeValue> = { ':pk': { S: value }, ':now': { N: String(nowSeconds) } };
    let condition = '#pk = :pk';
    if (range.from !== undefined || range.to !== undefined) {
      names['#sk'] = LIST_SORT_KEY;
      // `<to>#<caseId>` sorts after `<to>`: BETWEEN ... AND <to> leaves out cases received at `to`.
      if (range.from !== undefined && range.to !== undefined) {
        condition += ' AND #sk BETWEEN :from AND :to';
        values[':from'] = { S: range.from };
        values[':to'] = { S: range.to };
      } else if (range.from !== undefined) {
        condition += ' AND #sk >= :from';
        values[':from'] = { S: range.from };
      } else {
        condition += ' AND #sk < :to';
        values[':to'] = { S: range.to! };
      }
    }
    const found: CaseSummary[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: condition,
          // Retention: a case past its expiry is gone for clerks, even before TTL removes it.
          FilterExpression: '#expires > :now',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: max + 1 - found.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          const summary = readSummary(item);
          if (summary.office !== range.office || summary.formId !== range.formId) {
            throw new Error('stored item does not belong to the list it is indexed in');
          }
          found.push(summary);
        } catch (error) {
          logger.error('damaged case item left out of an export', { caseId: item.caseId?.S, reason: (error as Error).message });
          countIntegrityError();
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.length <= max);
    return found;
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
