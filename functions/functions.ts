import { FILE_PREFIX, type CaseIndexUse } from '#lib/cases/tables.ts';
import { REPLY_PREFIX } from '#lib/messages/items.ts';
import type { BucketNeed, Needs, QueueNeed } from '#lib/runtime/needs.ts';

/**
 * The function table: every Lambda function of the backend, keyed by its folder under functions/
 * (which holds its `handler.ts`), with what triggers it and what it may touch. The CDK stack
 * derives functions, API methods, authorizers, triggers, IAM grants and environment from it; the
 * local stack derives its routing from it; each handler reads its configuration from its own entry.
 * Adding a function is one entry here plus its folder.
 */

export type Access = 'public' | 'clerk';
export type HttpMethod = 'GET' | 'POST' | 'PATCH';

/** An API Gateway route (REST, Lambda proxy integration). */
export interface HttpTrigger {
  readonly kind: 'http';
  readonly method: HttpMethod;
  /** API Gateway resource path, `{name}` for a path parameter. */
  readonly path: string;
  readonly access: Access;
  /**
   * Reached only by navigations, form posts and simple GETs, never by a script's request that a
   * browser preflights: the route gets no CORS preflight (OPTIONS) method.
   */
  readonly simple?: true;
}

/**
 * Which records of a stream reach a worker (a Lambda event filter in AWS, the same test in the
 * local poller): those of one event name, and optionally only items whose sort key `sk` begins
 * with a prefix, and only new images whose `type` attribute is one of a list.
 */
export interface StreamFilter {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly skBeginsWith?: string;
  readonly typeIn?: readonly string[];
}

/** A worker fed by a table's DynamoDB stream (new images only, batched). */
export interface StreamTrigger {
  readonly kind: 'stream';
  readonly table: 'cases' | 'events';
  readonly batchSize?: number;
  readonly only?: StreamFilter;
}

/**
 * A worker run on a schedule: at a fixed EventBridge expression (e.g. `rate(1 hour)`), or every
 * so many minutes as a setting of the stage file says (`everyStageMinutes`, resolved by
 * `scheduleExpressionOf` for the CDK stack and the local stack alike).
 */
export type ScheduleTrigger = { readonly kind: 'schedule'; readonly expression: string } | { readonly kind: 'schedule'; readonly everyStageMinutes: keyof StageSchedules };

/** The stage file's settings a schedule may follow (infra/config.ts, `audit`). */
export interface StageSchedules {
  readonly checkpointIntervalMinutes: number;
}

/** A schedule trigger's EventBridge expression under a stage's settings. */
export function scheduleExpressionOf(trigger: ScheduleTrigger, stage: StageSchedules): string {
  return 'expression' in trigger ? trigger.expression : `rate(${stage[trigger.everyStageMinutes]} minutes)`;
}

/** A worker run by an EventBridge rule matching events of an AWS service. */
export interface RuleTrigger {
  readonly kind: 'rule';
  readonly source: string;
  readonly detailType: string;
  /** Only events about this bucket of the stack (`detail.s3ObjectDetails.bucketName`). */
  readonly bucket?: BucketNeed;
}

/**
 * A worker fed by one of the stack's queues (functions/lib/messaging/queues.ts), batched, with
 * partial batch failures: a failed message comes back after its visibility timeout and ends in the
 * queue's dead-letter queue after the queue's `maxReceiveCount` receives.
 */
export interface QueueTrigger {
  readonly kind: 'queue';
  readonly queue: QueueNeed;
  readonly batchSize?: number;
}

export type Trigger = HttpTrigger | StreamTrigger | ScheduleTrigger | RuleTrigger | QueueTrigger;

export interface FunctionSpec {
  readonly trigger: Trigger;
  readonly needs: Needs;
  /** The function's timeout when it needs more than the stack's default (10 s); below its queue's visibility timeout. */
  readonly timeoutSeconds?: number;
  /** The function's memory (MB) when its work needs more than the stack's default (infra/constructs/functions.ts memorySizeOf). */
  readonly memoryMb?: number;
  /**
   * The cases table's indexes the function queries (with `cases: ['dynamodb:Query']`): its role may
   * query these and no other; without it, Query reaches the base table only (a case's partition).
   */
  readonly caseIndexes?: readonly CaseIndexUse[];
}

const http = (method: HttpMethod, path: string, access: Access, options: { simple?: true } = {}): HttpTrigger => ({ kind: 'http', method, path, access, ...options });

export const functions = {
  listForms: { trigger: http('GET', '/forms', 'public'), needs: { forms: true } },
  getForm: { trigger: http('GET', '/forms/{formId}', 'public'), needs: { forms: true } },
  submit: {
    trigger: http('POST', '/forms/{formId}/submissions', 'public'),
    needs: {
      caseKey: ['kms:GenerateDataKey'],
      cases: ['dynamodb:PutItem'],
      events: ['dynamodb:PutItem'],
      idempotency: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      hmacSecret: true,
      forms: true,
      attachments: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    },
  },
  listCases: { trigger: http('GET', '/cases', 'clerk'), needs: { cases: ['dynamodb:Query'], hmacSecret: true }, caseIndexes: ['list'] },
  getCase: {
    trigger: http('GET', '/cases/{caseId}', 'clerk'),
    needs: { caseKey: ['kms:Decrypt'], cases: ['dynamodb:Query'], events: ['dynamodb:PutItem', 'dynamodb:Query'], attachmentKey: ['kms:Decrypt'], messageKey: ['kms:Decrypt'] },
  },
  updateCase: {
    trigger: http('PATCH', '/cases/{caseId}', 'clerk'),
    needs: {
      caseKey: ['kms:Decrypt'],
      cases: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      events: ['dynamodb:PutItem', 'dynamodb:Query'],
    },
  },
  listEvents: {
    trigger: http('GET', '/cases/{caseId}/events', 'clerk'),
    needs: { cases: ['dynamodb:GetItem'], events: ['dynamodb:Query'], hmacSecret: true },
  },
  openapi: { trigger: http('GET', '/openapi.json', 'public', { simple: true }), needs: { openapiDocument: true } },
  dispatch: {
    // Only the events something follows (functions/dispatch/dispatch.ts, FOLLOWING): a clerk's
    // read, a status change or a delivery invokes no function.
    trigger: { kind: 'stream', table: 'events', batchSize: 25, only: { eventName: 'INSERT', typeIn: ['case.received', 'case.message_sent', 'case.reply_received'] } },
    needs: { deliveries: ['sqs:SendMessage'], confirmations: ['sqs:SendMessage'] },
  },
  attachmentTicket: {
    trigger: http('POST', '/forms/{formId}/attachments', 'public'),
    needs: { forms: true, attachments: ['dynamodb:PutItem'], attachmentKey: ['kms:GenerateDataKey'], quarantine: ['s3:PutObject'] },
  },
  attachmentStatus: {
    trigger: http('GET', '/forms/{formId}/attachments/{attachmentId}', 'public'),
    needs: { attachments: ['dynamodb:GetItem'] },
  },
  attachmentVerdict: {
    trigger: { kind: 'rule', source: 'aws.guardduty', detailType: 'GuardDuty Malware Protection Object Scan Result', bucket: 'quarantine' },
    needs: {
      attachments: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      quarantine: ['s3:GetObject', 's3:DeleteObject'],
      // The copy into the vault sets the file's `binding=unbound` tag.
      vault: ['s3:PutObject', 's3:PutObjectTagging'],
    },
  },
  /**
   * Files a submission bound (the file items the submit transaction writes into the case's
   * partition) are re-tagged `bound` in the vault, so that the lifecycle for unbound files
   * (24 hours) passes them by, and with their retention class (the vault's rule for it removes
   * them after their case). Touches nothing but those tags.
   */
  keepFiles: {
    trigger: { kind: 'stream', table: 'cases', batchSize: 25, only: { eventName: 'INSERT', skBeginsWith: FILE_PREFIX } },
    // The forms: their retention classes, the file's tag that lets it expire with its case.
    needs: { vault: ['s3:PutObjectTagging'], forms: true },
  },
  downloadAttachment: {
    trigger: http('GET', '/cases/{caseId}/attachments/{attachmentId}', 'clerk'),
    needs: { cases: ['dynamodb:GetItem'], events: ['dynamodb:PutItem', 'dynamodb:Query'], vault: ['s3:GetObject'] },
  },
  /** Citizens' status: reads the reference claim and the case summary (projected), derives the token; never decrypts. */
  getStatus: { trigger: http('GET', '/status/{reference}', 'public'), needs: { cases: ['dynamodb:GetItem'], events: ['dynamodb:Query'], hmacSecret: true } },
  /** Citizens' view of who accessed their data: the case's events (never decrypts), with the status token. */
  getAccesses: {
    trigger: http('GET', '/status/{reference}/accesses', 'public'),
    needs: { cases: ['dynamodb:GetItem'], events: ['dynamodb:Query'], hmacSecret: true, officeNames: true },
  },
  /**
   * The citizen's confirmation mail: decrypts the case (recorded first) to read the address, derives
   * the status token, sends through SES; may set a failed message's visibility (backoff) and send
   * a throttled one again as a delayed copy (an SES throttle costs no attempt); claims the case's
   * confirmation first, so that copies of a message send one mail.
   */
  confirm: {
    trigger: { kind: 'queue', queue: 'confirmations', batchSize: 10 },
    needs: {
      caseKey: ['kms:Decrypt'],
      cases: ['dynamodb:Query'],
      caseConfirmation: true,
      events: ['dynamodb:PutItem', 'dynamodb:Query'],
      hmacSecret: true,
      forms: true,
      confirmationMail: true,
      confirmations: ['sqs:ChangeMessageVisibility', 'sqs:SendMessage'],
    },
  },
  deliver: {
    trigger: { kind: 'queue', queue: 'deliveries', batchSize: 5 },
    needs: {
      caseKey: ['kms:Decrypt'],
      caseDelivery: true,
      events: ['dynamodb:PutItem', 'dynamodb:Query'],
      destinations: true,
      deliveries: ['sqs:ChangeMessageVisibility'],
      deliveriesDeadLetters: ['sqs:SendMessage'],
      // The case's files: their names (attachment context) and their bytes (the file items come
      // with the case's own partition, which caseDelivery reads already).
      attachmentKey: ['kms:Decrypt'],
      // Follow-up deliveries: the citizen's reply or the office's decision (message context).
      messageKey: ['kms:Decrypt'],
      vault: ['s3:GetObject'],
    },
    // A destination has 10 s to answer (API.md); the batch's deliveries run concurrently.
    timeoutSeconds: 30,
    // A case may carry 50 MiB of files: base64 in the payload, the JSON, its bytes, the JWE and its
    // base64url body make one such delivery peak at about 1.0-1.2 GiB RSS (measured with Node 24,
    // docs/delivery.md), five of a batch at once about 2.4 GiB. 3008 MB holds a full batch.
    memoryMb: 3008,
  },
  /**
   * A clerk's message to the citizen (request, information, decision), as PATCH with If-Match: the
   * case's key renews the summary MAC; the message is sealed under the message context, with the
   * names of its files (read from their tickets, sealed under the same context).
   */
  sendMessage: {
    trigger: http('POST', '/cases/{caseId}/messages', 'clerk'),
    needs: {
      caseKey: ['kms:Decrypt'],
      messageKey: ['kms:GenerateDataKey', 'kms:Decrypt'],
      cases: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      events: ['dynamodb:PutItem', 'dynamodb:Query'],
      attachments: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    },
  },
  /** An upload ticket for a file of a clerk's message (the decision PDF): the file name sealed under the message context. */
  messageTicket: {
    trigger: http('POST', '/cases/{caseId}/attachments', 'clerk'),
    needs: { cases: ['dynamodb:GetItem'], attachments: ['dynamodb:PutItem'], messageKey: ['kms:GenerateDataKey'], quarantine: ['s3:PutObject'] },
  },
  /** The citizen reads the office's messages and his replies: decrypts messages only (message context), never form data or notes. */
  citizenMessages: {
    trigger: http('GET', '/status/{reference}/messages', 'public'),
    needs: { casePartitions: ['dynamodb:GetItem', 'dynamodb:Query'], hmacSecret: true, messageKey: ['kms:Decrypt'] },
  },
  /** A download URL of a file of a message or reply; a decision's file is recorded as `case.decision_downloaded`. Decrypts nothing. */
  citizenDownload: {
    trigger: http('GET', '/status/{reference}/attachments/{attachmentId}', 'public'),
    needs: { casePartitions: ['dynamodb:GetItem'], hmacSecret: true, events: ['dynamodb:PutItem', 'dynamodb:Query'], vault: ['s3:GetObject'] },
  },
  /** The citizen's reply: sealed under the message context, written beside the case (never onto the case item), its files bound. */
  citizenReply: {
    trigger: http('POST', '/status/{reference}/replies', 'public'),
    needs: {
      casePartitions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
      hmacSecret: true,
      events: ['dynamodb:PutItem', 'dynamodb:Query'],
      attachments: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      messageKey: ['kms:GenerateDataKey', 'kms:Decrypt'],
    },
  },
  /** An upload ticket for a file of the citizen's reply, behind the status token. */
  replyTicket: {
    trigger: http('POST', '/status/{reference}/attachments', 'public'),
    needs: { casePartitions: ['dynamodb:GetItem'], hmacSecret: true, attachments: ['dynamodb:PutItem'], messageKey: ['kms:GenerateDataKey'], quarantine: ['s3:PutObject'] },
  },
  /**
   * A reply moves a case in `needs_info` back to `in_review` (the reply route may not open the
   * case's key, which renews the summary MAC): new reply items of the cases table's stream.
   */
  acceptReply: {
    trigger: { kind: 'stream', table: 'cases', batchSize: 10, only: { eventName: 'INSERT', skBeginsWith: REPLY_PREFIX } },
    needs: { caseKey: ['kms:Decrypt'], cases: ['dynamodb:Query', 'dynamodb:UpdateItem'], events: ['dynamodb:PutItem', 'dynamodb:Query'] },
  },
  /** Citizen sign-in with BundID (API.md, *Citizen sign-in*): starts a sign-in, bound to the browser; signs the AuthnRequest. */
  bundidLogin: {
    trigger: http('GET', '/auth/bundid/login', 'public', { simple: true }),
    needs: { signIns: ['dynamodb:PutItem'], hmacSecret: true, bundid: true, bundidKey: true },
  },
  bundidMetadata: { trigger: http('GET', '/auth/bundid/metadata', 'public', { simple: true }), needs: { bundid: true } },
  /** BundID's answer: consumes the browser's request (one-time), records the assertion id (one-time), issues the citizen token. */
  bundidAcs: {
    trigger: http('POST', '/auth/bundid/acs', 'public', { simple: true }),
    needs: { signIns: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], hmacSecret: true, bundid: true },
  },
  /** A signed-in citizen's cases: the citizen index only (projected summaries); never decrypts. */
  myCases: { trigger: http('GET', '/me/cases', 'public'), needs: { cases: ['dynamodb:Query'], hmacSecret: true }, caseIndexes: ['citizen'] },
  exportCases: {
    trigger: http('GET', '/cases/export', 'clerk'),
    needs: { caseKey: ['kms:Decrypt'], cases: ['dynamodb:Query'], events: ['dynamodb:PutItem', 'dynamodb:Query'], forms: true },
    caseIndexes: ['list'],
  },
  /**
   * Seals the audit trail every 5 minutes (API.md, *Audit*; the stage's `audit.checkpointIntervalMinutes`):
   * a signed RFC 6962 Merkle root over the events since the last checkpoint, into the Object Lock
   * bucket. The only user of the audit key. On the same schedule (a function of its own would not
   * fit the prod stack's 500 resources), it counts the uploads that wait too long for their malware
   * verdict (uploadWatch, issue 25 point 5).
   */
  checkpoint: { trigger: { kind: 'schedule', everyStageMinutes: 'checkpointIntervalMinutes' }, needs: { auditCheckpoints: true, uploadWatch: true }, timeoutSeconds: 60 },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionTable = Readonly<Record<string, FunctionSpec>>;

/** A function of the table with its name. */
export interface NamedFunction extends FunctionSpec {
  readonly name: string;
}

/** Every function of a table, with its name, in table order. */
export function functionsOf(table: FunctionTable = functions): NamedFunction[] {
  return Object.entries(table).map(([name, spec]) => ({ name, ...spec }));
}

/** An HTTP route of the table, flattened: what the API and the local gateway are built from. */
export interface Route {
  /** The function's name: its folder under functions/. */
  readonly handler: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: Access;
  readonly needs: Needs;
}

export function routesOf(table: FunctionTable = functions): Route[] {
  return functionsOf(table).flatMap(({ name, trigger, needs }) =>
    trigger.kind === 'http' ? [{ handler: name, method: trigger.method, path: trigger.path, access: trigger.access, needs }] : [],
  );
}

/** Every HTTP route of the backend. */
export const routes: readonly Route[] = routesOf();
