/**
 * The physical data model, shared by the CDK stack, the local stack's table creation and the
 * stores. docs/data-model.md explains it; change both together.
 */

/** Number of write shards per list-index partition key (see docs/data-model.md, partition heat). */
export const LIST_SHARDS = 4;

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** Attributes the list indexes project: the case summary, never the envelope. */
export const SUMMARY_ATTRIBUTES = [
  'caseId',
  'reference',
  'formId',
  'formVersion',
  'office',
  'status',
  'receivedAt',
  'updatedAt',
  'version',
] as const;

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
    { name: 'byOffice', partitionKey: 'gsiOffice', sortKey: 'listSk' },
    { name: 'byOfficeStatus', partitionKey: 'gsiOfficeStatus', sortKey: 'listSk' },
    { name: 'byForm', partitionKey: 'gsiForm', sortKey: 'listSk' },
    { name: 'byFormStatus', partitionKey: 'gsiFormStatus', sortKey: 'listSk' },
  ] satisfies IndexDefinition[],
} as const;

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
  sortKey: 'eventId',
  ttlAttribute: 'expiresAt',
} as const;
