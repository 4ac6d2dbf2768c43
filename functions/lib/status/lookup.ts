import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { caseItemKey, readSummary, referenceKey } from '#lib/cases/items.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { citizenIndex, SUMMARY_ATTRIBUTES } from '#lib/cases/tables.ts';

/** A live case as the citizens' routes see it (never its envelope). */
export interface LiveCase {
  summary: CaseSummary;
  /** What a record about the case expires with. */
  expiresAt: number;
  /** For a case submitted after sign-in, the citizen's `sub` (the key of the citizen index, an HMAC of the bPK2), to which a citizen token must belong. */
  citizen?: string;
}

/**
 * What the citizens' routes read: the reference claim (which names the case) and the case item's
 * summary, each one projected GetItem. Never the envelope: these functions cannot even see
 * ciphertext, let alone decrypt it.
 */
export interface StatusLookup {
  /** The case a live reference names, or undefined. */
  caseOf(reference: string): Promise<string | undefined>;
  /** A live case, or undefined. */
  liveCaseOf(caseId: string): Promise<LiveCase | undefined>;
}

const SUMMARY_NAMES = Object.fromEntries([...SUMMARY_ATTRIBUTES, 'expiresAt', citizenIndex.partitionKey].map((name) => [`#${name}`, name]));

export function createStatusLookup(ddb: DynamoDBClient, tableName: string, now: () => Date = () => new Date()): StatusLookup {
  const live = (expiresAt: string | undefined): boolean => Number(expiresAt) * 1000 > now().getTime();
  return {
    async caseOf(reference) {
      const result = await ddb.send(
        new GetItemCommand({
          TableName: tableName,
          Key: referenceKey(reference),
          ProjectionExpression: 'caseId, expiresAt',
          ConsistentRead: true,
        }),
      );
      const caseId = result.Item?.caseId?.S;
      return caseId && live(result.Item?.expiresAt?.N) ? caseId : undefined;
    },

    async liveCaseOf(caseId) {
      const result = await ddb.send(
        new GetItemCommand({
          TableName: tableName,
          Key: caseItemKey(caseId),
          ProjectionExpression: Object.keys(SUMMARY_NAMES).join(', '),
          ExpressionAttributeNames: SUMMARY_NAMES,
          ConsistentRead: true,
        }),
      );
      if (!result.Item || !live(result.Item.expiresAt?.N)) return undefined;
      let summary: CaseSummary;
      try {
        summary = readSummary(result.Item);
      } catch (error) {
        throw new IntegrityError(`damaged item: ${(error as Error).message}`, caseId);
      }
      if (summary.caseId !== caseId) throw new IntegrityError('damaged item: stored item names another case', caseId);
      const citizen = result.Item[citizenIndex.partitionKey]?.S;
      return { summary, expiresAt: Number(result.Item.expiresAt?.N), ...(citizen === undefined ? {} : { citizen }) };
    },
  };
}
