import type { CaseSummary } from './model.ts';

/**
 * The physical data model, shared by the CDK stack, the local stack's table creation and the
 * stores. docs/data-model.md explains it; change both together.
 */

/**
 * The sort-key prefix of a case's attachment items in its partition (attachments/caseFiles.ts):
 * also what the stream filter of the worker that keeps bound files selects (functions/functions.ts).
 */
export const FILE_PREFIX = 'CASE#FILE#';

/** Number of write shards per list-index partition key (see docs/data-model.md, partition heat). */
export const LIST_SHARDS = 4;

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** The filters whose values (after the office, before the shard) make up its partition key. */
  readonly filters: readonly ListFilter[];
}

/** The sort key of every list index: `<receivedAt>#<caseId>`, unique and chronological. */
export const LIST_SORT_KEY = 'listSk';

/**
 * The case summary as stored: each attribute of `CaseSummary` with its DynamoDB type. The compiler
 * insists on exactly the summary's fields; items.ts writes and reads them from this, the list
 * indexes project them. `S?` is a string that may be absent (read as `null`).
 */
export const SUMMARY_ATTRIBUTE_TYPES = {
  caseId: 'S',
  reference: 'S',
  formId: 'S',
  formVersion: 'N',
  office: 'S',
  status: 'S',
  receivedAt: 'S',
  updatedAt: 'S',
  version: 'N',
  delivery: 'S?',
} as const satisfies Record<keyof CaseSummary, 'S' | 'N' | 'S?'>;

export const SUMMARY_ATTRIBUTES = Object.keys(SUMMARY_ATTRIBUTE_TYPES) as (keyof CaseSummary)[];

/**
 * Summary attributes that only the delivery worker writes, without the case's data key: left out
 * of the summary MAC (cases/integrity.ts), since that worker's role may change nothing but them
 * (docs/delivery.md). Everything else in the summary is authenticated.
 */
export const UNAUTHENTICATED_SUMMARY_ATTRIBUTES = ['delivery'] as const satisfies readonly (keyof CaseSummary)[];
export const AUTHENTICATED_SUMMARY_ATTRIBUTES = SUMMARY_ATTRIBUTES.filter(
  (name) => !(UNAUTHENTICATED_SUMMARY_ATTRIBUTES as readonly string[]).includes(name),
);

/** Attributes the list indexes project: the case summary and its expiry (lists leave out expired cases), never the envelope. */
export const LIST_PROJECTION: readonly string[] = [...SUMMARY_ATTRIBUTES, 'expiresAt'];

/** What a list may be narrowed to besides the office, in the order the index keys name them. */
export const LIST_FILTERS = ['formId', 'status'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

export const casesTable = {
  logicalName: 'cases',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /**
   * Four sparse indexes, one per list filter combination, all sorted by `listSk`
   * (`<receivedAt>#<caseId>`, unique and chronological). Only case items carry their keys.
   */
  indexes: [
    { name: 'byOffice', partitionKey: 'gsiOffice', sortKey: LIST_SORT_KEY, filters: [] },
    { name: 'byOfficeStatus', partitionKey: 'gsiOfficeStatus', sortKey: LIST_SORT_KEY, filters: ['status'] },
    { name: 'byForm', partitionKey: 'gsiForm', sortKey: LIST_SORT_KEY, filters: ['formId'] },
    { name: 'byFormStatus', partitionKey: 'gsiFormStatus', sortKey: LIST_SORT_KEY, filters: ['formId', 'status'] },
  ] satisfies IndexDefinition[],
} as const;

/**
 * A signed-in citizen's cases (API.md, `GET /me/cases`): a sparse index keyed by the citizen's
 * `sub` (an HMAC of the bPK2 under the stack's secret, never the bPK2), sorted like the lists.
 * Only cases of forms that need sign-in carry its key; one citizen's cases are few, so one
 * partition per citizen holds no heat.
 */
export const citizenIndex = { name: 'byCitizen', partitionKey: 'gsiCitizen', sortKey: LIST_SORT_KEY } as const;

/**
 * Which of the cases table's indexes a function queries (its `caseIndexes` in functions/functions.ts):
 * the office lists' indexes, or the citizen index. Its role may query exactly those; a function
 * that reads cases by id queries the base table only (API.md; issue 25, least privilege).
 */
export type CaseIndexUse = 'list' | 'citizen';

/** The index names of each use. */
export function caseIndexNames(use: CaseIndexUse): string[] {
  return use === 'list' ? casesTable.indexes.map((index) => index.name) : [citizenIndex.name];
}

export const idempotencyTable = {
  logicalName: 'idempotency',
  partitionKey: 'pk',
  ttlAttribute: 'expiresAt',
} as const;

/**
 * The audit trail. A table of its own so that "append-only" is a property of the IAM policies, not
 * only of the code: roles may PutItem (always conditional, never overwriting) and Query here, and
 * no role anywhere may UpdateItem or DeleteItem on it.
 */
export const eventsTable = {
  logicalName: 'events',
  partitionKey: 'caseId',
  /** The event's `seq`, zero-padded (audit/chainKeys.ts): a case's events sort in chain order. */
  sortKey: 'eventId',
  ttlAttribute: 'expiresAt',
  /**
   * Every event by the hour it happened in, for the checkpoint worker and `npm run audit` (events
   * since the last checkpoint without Scan): partition `<yyyy-mm-ddThh>#<shard>` (a case's events
   * all in one of `shards` shards, so that a deadline rush spreads over them), sort key
   * `<at>#<caseId>#<eventId>`. docs/data-model.md gives the rate it holds.
   */
  timeIndex: { name: 'byHour', partitionKey: 'auditBucket', sortKey: 'auditSk', shards: 8 },
} as const;
