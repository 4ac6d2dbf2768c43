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
/** Attachment tickets (functions/lib/attachments/tables.ts): never DeleteItem (TTL removes them). */
export type AttachmentsTableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem';
/** Sign-ins in flight (functions/lib/bundid/tables.ts): requests are consumed by DeleteItem, one-time. */
export type SignInsTableAction = 'dynamodb:PutItem' | 'dynamodb:DeleteItem';
/** KMS operations on the case key for attachment metadata (restricted to the attachment encryption context). */
export type AttachmentKeyAction = 'kms:GenerateDataKey' | 'kms:Decrypt';
/** KMS operations on the case key for messages (restricted to the message encryption context). */
export type MessageKeyAction = 'kms:GenerateDataKey' | 'kms:Decrypt';
/** Key-bound actions on the cases table's reference claims and case partitions (no index, no update). */
export type CasePartitionAction = 'dynamodb:GetItem' | 'dynamodb:Query' | 'dynamodb:PutItem';
/**
 * S3 object actions on one bucket. `s3:PutObject` is also what a presigned PUT needs from its
 * signer; reading metadata (HEAD) is part of `s3:GetObject`; `s3:PutObjectTagging` sets an
 * object's tags (also those a copy sets), which decide the vault lifecycle of a file.
 */
export type BucketAction = 's3:PutObject' | 's3:GetObject' | 's3:DeleteObject' | 's3:PutObjectTagging';

export interface Needs {
  /** KMS operations on the stack's case key (always restricted to the case encryption context). */
  readonly caseKey?: readonly CaseKeyAction[];
  /** DynamoDB actions on the cases table (Query reaches the indexes the function's `caseIndexes` name, no other). */
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
  /**
   * Changes nothing of a case item but the claim on its confirmation mail (`confirmation`,
   * `confirmationClaim`, `confirmationLease`): functions/lib/status/confirmationClaim.ts.
   */
  readonly caseConfirmation?: true;
  /** Ships the stage's delivery destinations with the function and reads their signing secrets. */
  readonly destinations?: true;
  /** Puts a delivery that failed for good on the deliveries' dead-letter queue (for a redrive). */
  readonly deliveriesDeadLetters?: readonly 'sqs:SendMessage'[];
  /** The queue of cases to deliver to their office's back-office system. */
  readonly deliveries?: readonly QueueAction[];
  /** The queue of cases whose citizen gets a confirmation mail. */
  readonly confirmations?: readonly QueueAction[];
  /** DynamoDB actions on the attachments table (tickets and verdicts). */
  readonly attachments?: readonly AttachmentsTableAction[];
  /** KMS operations on the case key with the attachment-metadata context (file names). */
  readonly attachmentKey?: readonly AttachmentKeyAction[];
  /**
   * KMS operations on the case key with the message context (purpose `message`,
   * functions/lib/messages/sealing.ts): what is addressed to the citizen, and nothing else.
   */
  readonly messageKey?: readonly MessageKeyAction[];
  /**
   * The cases table by key only, never a list index: reference claims and case partitions (a case,
   * its messages and its files). What the citizens' message routes read and add to a case.
   */
  readonly casePartitions?: readonly CasePartitionAction[];
  /** Object actions on the quarantine bucket (uploads before their scan). */
  readonly quarantine?: readonly BucketAction[];
  /** Object actions on the vault bucket (files that were scanned clean). */
  readonly vault?: readonly BucketAction[];
  /**
   * Lists the quarantine bucket (keys and times, never an object's bytes or tags) to count uploads
   * that wait for their verdict too long: functions/lib/attachments/waitingUploads.ts.
   */
  readonly uploadWatch?: true;
  /**
   * Sends citizens' confirmation mails: ses:SendEmail on the stage's sender identity and
   * configuration set only (infra/constructs/mail.ts); learns sender, configuration set and status page URL.
   */
  readonly confirmationMail?: true;
  /**
   * Seals the audit trail (functions/checkpoint): Query on the events table's time index only (not
   * the table), kms:Sign with the audit key, and writing (never deleting) checkpoint objects in
   * the Object Lock bucket, with reading and listing them to find the latest.
   */
  readonly auditCheckpoints?: true;
  /** DynamoDB actions on the sign-ins table (BundID requests in flight, used assertion ids). */
  readonly signIns?: readonly SignInsTableAction[];
  /** Learns the stage's BundID settings (functions/lib/bundid/settings.ts; `off` where the stage has none). */
  readonly bundid?: true;
  /** Reads the service provider's private signing key (a Secrets Manager secret the stage names). */
  readonly bundidKey?: true;
  /** Learns the administration's office display names (its stage file, API.md *Administrations*), as JSON. */
  readonly officeNames?: true;
  /**
   * Ships the OpenAPI document (docs/openapi.json, generated by `npm run openapi`) with the
   * function as a file, which it answers as read: no JSON in its code, nothing parsed at cold start.
   */
  readonly openapiDocument?: true;
}

/** The table needs, one per DynamoDB table of functions/lib/cases/tables.ts. */
export const TABLE_NEEDS = ['cases', 'events', 'idempotency', 'attachments', 'signIns'] as const satisfies readonly (keyof Needs)[];
export type TableNeed = (typeof TABLE_NEEDS)[number];

/** The queue needs, one per queue of functions/lib/messaging/queues.ts. */
export const QUEUE_NEEDS = ['deliveries', 'confirmations'] as const satisfies readonly (keyof Needs)[];
export type QueueNeed = (typeof QUEUE_NEEDS)[number];
/** The bucket needs, one per S3 bucket of infra/constructs/attachments.ts. */
export const BUCKET_NEEDS = ['quarantine', 'vault'] as const satisfies readonly (keyof Needs)[];
export type BucketNeed = (typeof BUCKET_NEEDS)[number];

/** Whether a function has a need at all (a non-empty action list, or `true`). */
export function has(needs: Needs, need: keyof Needs): boolean {
  const value = needs[need];
  return value === true || (Array.isArray(value) && value.length > 0);
}
