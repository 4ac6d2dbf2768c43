import { FILE_PREFIX } from '#lib/cases/tables.ts';
import type { Needs, QueueNeed } from '#lib/runtime/needs.ts';

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
}

/**
 * Which records of a stream reach a worker (a Lambda event filter in AWS, the same test in the
 * local poller): those of one event name, and optionally only items whose sort key `sk` begins
 * with a prefix.
 */
export interface StreamFilter {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly skBeginsWith?: string;
}

/** A worker fed by a table's DynamoDB stream (new images only, batched). */
export interface StreamTrigger {
  readonly kind: 'stream';
  readonly table: 'cases' | 'events';
  readonly batchSize?: number;
  readonly only?: StreamFilter;
}

/** A worker run on a schedule (EventBridge Scheduler expression, e.g. `rate(1 hour)`). */
export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly expression: string;
}

/** A worker run by an EventBridge rule matching events of an AWS service. */
export interface RuleTrigger {
  readonly kind: 'rule';
  readonly source: string;
  readonly detailType: string;
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
}

const http = (method: HttpMethod, path: string, access: Access): HttpTrigger => ({ kind: 'http', method, path, access });

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
  listCases: { trigger: http('GET', '/cases', 'clerk'), needs: { cases: ['dynamodb:Query'], hmacSecret: true } },
  getCase: {
    trigger: http('GET', '/cases/{caseId}', 'clerk'),
    needs: { caseKey: ['kms:Decrypt'], cases: ['dynamodb:Query'], events: ['dynamodb:PutItem'], attachmentKey: ['kms:Decrypt'] },
  },
  updateCase: {
    trigger: http('PATCH', '/cases/{caseId}', 'clerk'),
    needs: {
      caseKey: ['kms:Decrypt'],
      cases: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      events: ['dynamodb:PutItem'],
    },
  },
  listEvents: {
    trigger: http('GET', '/cases/{caseId}/events', 'clerk'),
    needs: { cases: ['dynamodb:GetItem'], events: ['dynamodb:Query'], hmacSecret: true },
  },
  openapi: { trigger: http('GET', '/openapi.json', 'public'), needs: {} },
  dispatch: {
    trigger: { kind: 'stream', table: 'events', batchSize: 25 },
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
    trigger: { kind: 'rule', source: 'aws.guardduty', detailType: 'GuardDuty Malware Protection Object Scan Result' },
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
   * (24 hours) passes them by. Touches nothing but those tags.
   */
  keepFiles: {
    trigger: { kind: 'stream', table: 'cases', batchSize: 25, only: { eventName: 'INSERT', skBeginsWith: FILE_PREFIX } },
    needs: { vault: ['s3:PutObjectTagging'] },
  },
  downloadAttachment: {
    trigger: http('GET', '/cases/{caseId}/attachments/{attachmentId}', 'clerk'),
    needs: { cases: ['dynamodb:GetItem'], events: ['dynamodb:PutItem'], vault: ['s3:GetObject'] },
  },
  /** Citizens' status: reads the reference claim and the case summary (projected), derives the token; never decrypts. */
  getStatus: { trigger: http('GET', '/status/{reference}', 'public'), needs: { cases: ['dynamodb:GetItem'], hmacSecret: true } },
  /**
   * The citizen's confirmation mail: decrypts the case (recorded first) to read the address, derives
   * the status token, sends through SES; may set a failed message's visibility (backoff).
   */
  confirm: {
    trigger: { kind: 'queue', queue: 'confirmations', batchSize: 10 },
    needs: {
      caseKey: ['kms:Decrypt'],
      cases: ['dynamodb:Query'],
      events: ['dynamodb:PutItem', 'dynamodb:Query'],
      hmacSecret: true,
      forms: true,
      confirmationMail: true,
      confirmations: ['sqs:ChangeMessageVisibility'],
    },
  },
  deliver: {
    trigger: { kind: 'queue', queue: 'deliveries', batchSize: 5 },
    needs: {
      caseKey: ['kms:Decrypt'],
      caseDelivery: true,
      events: ['dynamodb:PutItem'],
      destinations: true,
      deliveries: ['sqs:ChangeMessageVisibility'],
      deliveriesDeadLetters: ['sqs:SendMessage'],
      // The case's files: their names (attachment context) and their bytes (the file items come
      // with the case's own partition, which caseDelivery reads already).
      attachmentKey: ['kms:Decrypt'],
      vault: ['s3:GetObject'],
    },
    // A destination has 10 s to answer (API.md); the batch's deliveries run concurrently.
    timeoutSeconds: 30,
    // A case may carry 50 MiB of files: base64 in the payload, the JSON, its bytes, the JWE and its
    // base64url body make one such delivery peak at about 1.0-1.2 GiB RSS (measured with Node 24,
    // docs/delivery.md), five of a batch at once about 2.4 GiB. 3008 MB holds a full batch.
    memoryMb: 3008,
  },
  /** Citizen sign-in with BundID (API.md, *Citizen sign-in*): starts a sign-in, bound to the browser; signs the AuthnRequest. */
  bundidLogin: {
    trigger: http('GET', '/auth/bundid/login', 'public'),
    needs: { signIns: ['dynamodb:PutItem'], hmacSecret: true, bundid: true, bundidKey: true },
  },
  bundidMetadata: { trigger: http('GET', '/auth/bundid/metadata', 'public'), needs: { bundid: true } },
  /** BundID's answer: consumes the browser's request (one-time), records the assertion id (one-time), issues the citizen token. */
  bundidAcs: {
    trigger: http('POST', '/auth/bundid/acs', 'public'),
    needs: { signIns: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], hmacSecret: true, bundid: true },
  },
  /** A signed-in citizen's cases: the citizen index only (projected summaries); never decrypts. */
  myCases: { trigger: http('GET', '/me/cases', 'public'), needs: { cases: ['dynamodb:Query'], hmacSecret: true } },
  exportCases: {
    trigger: http('GET', '/cases/export', 'clerk'),
    needs: { caseKey: ['kms:Decrypt'], cases: ['dynamodb:Query'], events: ['dynamodb:PutItem'], forms: true },
  },
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
