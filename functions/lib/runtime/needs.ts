/**
 * What a function may touch beyond its own code, in the vocabulary of the function table
 * (functions/functions.ts). The CDK stack turns it into least-privilege grants and environment
 * variables; the handler reads the same environment variables through `readConfig(needs)`, so the
 * two cannot drift apart.
 */

export type CaseKeyAction = 'kms:GenerateDataKey' | 'kms:Decrypt';
export type CasesTableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:Query' | 'dynamodb:ConditionCheckItem';
/** The audit trail is append-only: never UpdateItem or DeleteItem. */
export type EventsTableAction = 'dynamodb:PutItem' | 'dynamodb:Query';
export type IdempotencyTableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem';
/**
 * What a function may do with one of the stack's queues. Consuming (receive, delete) is what a
 * queue trigger grants by itself; ChangeMessageVisibility is for a consumer that backs off.
 */
export type QueueAction = 'sqs:SendMessage' | 'sqs:ChangeMessageVisibility';

export interface Needs {
  /** KMS operations on the stack's case key (always restricted to the case encryption context). */
  readonly caseKey?: readonly CaseKeyAction[];
  /** DynamoDB actions on the cases table (Query includes its list indexes). */
  readonly cases?: readonly CasesTableAction[];
  readonly events?: readonly EventsTableAction[];
  readonly idempotency?: readonly IdempotencyTableAction[];
  /** Reads the stack's HMAC secret (idempotency digests, cursors). */
  readonly hmacSecret?: true;
  /** Ships the form definitions under schemas/forms with the function. */
  readonly forms?: true;
  /**
   * Reads cases by id (their partition only, never a list index) and changes nothing of them but
   * the delivery state (`delivery`, `deliveryId`): functions/lib/delivery/state.ts.
   */
  readonly caseDelivery?: true;
  /** Ships the stage's delivery destinations with the function and reads their signing secrets. */
  readonly destinations?: true;
  /** Puts a delivery that failed for good on the deliveries' dead-letter queue (for a redrive). */
  readonly deliveriesDeadLetters?: readonly 'sqs:SendMessage'[];
  /** The queue of cases to deliver to their office's back-office system. */
  readonly deliveries?: readonly QueueAction[];
  /** The queue of cases whose citizen gets a confirmation mail. */
  readonly confirmations?: readonly QueueAction[];
}

/** The table needs, one per DynamoDB table of functions/lib/cases/tables.ts. */
export const TABLE_NEEDS = ['cases', 'events', 'idempotency'] as const satisfies readonly (keyof Needs)[];
export type TableNeed = (typeof TABLE_NEEDS)[number];

/** The queue needs, one per queue of functions/lib/messaging/queues.ts. */
export const QUEUE_NEEDS = ['deliveries', 'confirmations'] as const satisfies readonly (keyof Needs)[];
export type QueueNeed = (typeof QUEUE_NEEDS)[number];

/** Whether a function has a need at all (a non-empty action list, or `true`). */
export function has(needs: Needs, need: keyof Needs): boolean {
  const value = needs[need];
  return value === true || (Array.isArray(value) && value.length > 0);
}
