import type { z } from 'zod';
import type { ProblemSlug } from '#lib/http/problem.ts';
import * as api from './schemas.ts';
import * as audit from './audit.ts';
import { MAX_REPLIES } from '#lib/messages/model.ts';

/**
 * What the OpenAPI document says that code cannot: a summary and description per handler, the
 * problems each route answers and when, and the names of the shared schemas. openapi.ts builds the
 * document from this, the route table and the zod shapes, and refuses a route missing here.
 */

export const PUBLIC_CACHE = 'public, max-age=300';

export type Tag = 'forms' | 'submissions' | 'status' | 'cases' | 'sign-in' | 'operational';

export interface ProblemCase {
  readonly slug: ProblemSlug;
  /** When the route answers with it (English, one sentence). */
  readonly when: string;
}

export interface OperationDoc {
  readonly tag: Tag;
  readonly summary: string;
  readonly description: string;
  /** The query shape the handler parses, with a description per parameter. */
  readonly query?: { readonly shape: z.ZodObject; readonly component: string; readonly describe: Record<string, string> };
  readonly idempotencyKey?: boolean;
  readonly ifMatch?: boolean;
  /** The route requires the citizen's `Status-Token` header. */
  readonly statusToken?: boolean;
  /**
   * The route takes, instead of the `Status-Token`, the citizen token of the citizen who signed in
   * to submit the case (`Authorization: Bearer`, forms that need sign-in): the `Status-Token` is
   * then optional.
   */
  readonly statusOrCitizenToken?: boolean;
  readonly body?: { readonly component: string; readonly description: string };
  /** A form post (HTML forms, SAML's HTTP-POST binding): its fields, each a string. */
  readonly formBody?: { readonly description: string; readonly fields: Record<string, string> };
  /** The route takes a citizen token (`Authorization: Bearer`), from BundID sign-in. */
  readonly citizenToken?: boolean;
  readonly success: {
    readonly status: 200 | 201 | 303;
    /** Not JSON: the media type of the (string) body; `component` then names no schema. */
    readonly mediaType?: 'text/html' | 'application/samlmetadata+xml';
    /** A redirect: what its `Location` holds. */
    readonly location?: string;
    readonly component: string;
    readonly description: string;
    /** The Cache-Control the handler sets, if any. */
    readonly cacheControl?: 'no-store' | typeof PUBLIC_CACHE;
    readonly etag?: boolean;
    readonly replayed?: boolean;
    /** The route also answers `text/csv` (a string body) for this query: described here. */
    readonly csv?: string;
  };
  /** The route's own problems; the builder adds those every route, clerk route or body route has. */
  readonly problems: readonly ProblemCase[];
}

/** Shapes that become `components.schemas`, by name. Nested uses become `$ref`s. */
export const COMPONENTS: Record<string, { readonly shape: z.ZodType; readonly description?: string }> = {
  CaseId: { shape: api.caseId },
  Reference: { shape: api.reference },
  FormId: { shape: api.formId },
  Office: { shape: api.office },
  Timestamp: { shape: api.timestamp },
  FormVersion: { shape: api.formVersion },
  Actor: { shape: api.actor },
  CaseStatus: { shape: api.caseStatus, description: 'Workflow status of a case.' },
  EventType: { shape: api.eventType },
  LocalizedText: { shape: api.localized, description: 'Text in German and English.' },
  FormData: { shape: api.formData },
  FormSchema: { shape: api.formSchema },
  FormSummary: { shape: api.formSummary, description: 'A form in the list: its latest version.' },
  FormList: { shape: api.formList },
  FormDetail: { shape: api.formDetail, description: 'One version of a form with its JSON Schema.' },
  SubmissionRequest: { shape: api.submissionRequest, description: 'A citizen\'s application.' },
  SubmissionResponse: { shape: api.submissionResponse, description: 'Acknowledgement of a durably stored case.' },
  CaseSummary: { shape: api.caseSummary, description: 'A case without its data: what lists show.' },
  CasePage: { shape: api.casePage, description: 'One page of an office\'s cases.' },
  CaseNote: { shape: api.caseNote, description: 'A clerk\'s note, stored encrypted.' },
  CaseDetail: { shape: api.caseDetail, description: 'A case with its decrypted data and notes.' },
  UpdateCaseRequest: { shape: api.updateCaseRequest, description: 'One step of the workflow, optionally with a note.' },
  CaseEvent: { shape: api.caseEvent, description: 'One entry of a case\'s audit trail.' },
  EventPage: { shape: api.eventPage },
  ValidationError: { shape: api.validationIssue, description: 'One failure of the form data against the form\'s JSON Schema.' },
  RequestError: { shape: api.requestIssue, description: 'One part of the request that does not have the expected shape.' },
  Problem: { shape: api.problemDocument, description: 'RFC 9457 problem document (`application/problem+json`).' },
  EntityTag: { shape: api.entityTag, description: 'The case version as a strong entity tag, e.g. `"3"`.' },
  IdempotencyKey: { shape: api.idempotencyKeyHeader, description: '1 to 255 visible ASCII characters.' },
  Health: { shape: api.healthResponse },
  ExportedCase: { shape: api.exportedCase, description: 'A case with its decrypted data, as an export holds it.' },
  CaseExport: { shape: api.exportJson, description: 'An export as JSON (`format=json`).' },
  OpenApiDocument: { shape: api.openApiDocument, description: 'This document.' },
  AttachmentId: { shape: api.attachmentId },
  MediaType: { shape: api.mediaType },
  Sha256: { shape: api.sha256 },
  DataPointer: { shape: api.dataPointer },
  AttachmentStatus: { shape: api.attachmentStatus, description: 'Where an upload stands: portals poll until `clean`.' },
  RejectionReason: { shape: api.rejectionReason },
  AttachmentTicketRequest: { shape: api.attachmentTicketRequest, description: 'A file a citizen is about to upload for a file field.' },
  UploadInstruction: { shape: api.uploadInstruction, description: 'How to send the bytes: a presigned PUT with fixed headers.' },
  AttachmentTicket: { shape: api.attachmentTicket, description: 'An upload ticket.' },
  AttachmentState: { shape: api.attachmentState, description: 'The status of an upload.' },
  CaseAttachment: { shape: api.caseAttachment, description: 'A file of a case, with its decrypted name.' },
  AttachmentDownload: { shape: api.attachmentDownload, description: 'A short-lived download URL.' },
  CitizenStatus: { shape: api.citizenStatus, description: "Where a citizen's application stands: status and times only." },
  CitizenAccesses: { shape: audit.citizenAccesses, description: "Who accessed a citizen's application data: offices by display name, or `system`." },
  CaseAuthentication: { shape: api.caseAuthentication },
  MyCases: { shape: api.myCases, description: "A signed-in citizen's cases, newest first." },
  StatusToken: { shape: api.statusTokenHeader, description: 'The `statusToken` of the submission\'s `201`.' },
  MessageKind: { shape: api.messageKind },
  AnyMessageKind: { shape: api.anyMessageKind },
  MessageRequest: { shape: api.messageRequest, description: "A clerk's message to the citizen." },
  ReplyRequest: { shape: api.replyRequest, description: "A citizen's reply." },
  MessageTicketRequest: { shape: api.messageTicketRequest, description: 'A file about to be uploaded for a message or a reply.' },
  CitizenMessageFile: { shape: api.citizenMessageFile, description: 'A file of a message, with its decrypted name.' },
  CitizenMessage: { shape: api.citizenMessage, description: 'A message of the office or a reply of the citizen, as the citizen reads it.' },
  CitizenMessages: { shape: api.citizenMessages },
  CaseMessage: { shape: api.caseMessage, description: 'A message of the office or a reply of the citizen, as a clerk reads it.' },
};

export const FORM_DATA_DESCRIPTION =
  "The form's data, a JSON object: the form's JSON Schema (`GET /forms/{formId}`) decides what it may hold.";

/** Path parameters by name: every `{name}` in a route path must be here. */
export const PATH_PARAMETERS: Record<string, { readonly component: string; readonly description: string }> = {
  formId: { component: 'FormId', description: 'Id of the form.' },
  caseId: { component: 'CaseId', description: 'Id of the case; an id that is not a ULID is `404`, like an unknown one.' },
  attachmentId: { component: 'AttachmentId', description: 'Id of the attachment (from its ticket); an id that is not a ULID is `404`.' },
  reference: { component: 'Reference', description: 'The case reference of the submission\'s `201`; a malformed one is `404`, like an unknown one.' },
};

const NF_CITIZEN: ProblemCase = {
  slug: 'not-found',
  when: "Unknown or malformed reference, or a token that is not this case's: the same answer, so that neither can be told from the other.",
};

const NOT_FOUND_CASE: ProblemCase = {
  slug: 'not-found',
  when: 'No such case, or a case of an office the clerk does not work for (its existence is never revealed).',
};

export const OPERATIONS: Record<string, OperationDoc> = {
  listForms: {
    tag: 'forms',
    summary: 'List the forms',
    description: 'The latest version of every published form, sorted by `id`.',
    success: { status: 200, component: 'FormList', description: 'The forms.', cacheControl: PUBLIC_CACHE },
    problems: [],
  },
  getForm: {
    tag: 'forms',
    summary: 'Get a form with its JSON Schema',
    description:
      'One version of a form (the latest unless `version` is given) with the JSON Schema (draft 2020-12) that ' +
      'its submissions must satisfy. A portal renders the form from it and can pre-validate with the same schema.',
    query: {
      shape: api.formVersionQuery,
      component: 'FormVersionQuery',
      describe: { version: 'Version of the form; default: the latest.' },
    },
    success: { status: 200, component: 'FormDetail', description: 'The form version.', cacheControl: PUBLIC_CACHE },
    problems: [
      { slug: 'malformed-request', when: '`version` is not a positive integer, or an unknown query parameter is given.' },
      { slug: 'not-found', when: 'Unknown form or form version.' },
    ],
  },
  submit: {
    tag: 'submissions',
    summary: 'Submit an application',
    description:
      "Validates `data` against the form's JSON Schema, encrypts it under a new per-case data key and stores it. " +
      'The `201` comes only after the encrypted case is durably stored. With an `Idempotency-Key`, the same key and ' +
      'the same body within 24 hours answer the original `201` again (with `Idempotent-Replayed: true`) and create nothing.',
    idempotencyKey: true,
    body: {
      component: 'SubmissionRequest',
      description: '`formVersion` is optional (default: the latest version). At most 256 KiB.',
    },
    success: {
      status: 201,
      component: 'SubmissionResponse',
      description: 'The case was stored (or, for a replayed `Idempotency-Key`, had been stored before).',
      replayed: true,
      cacheControl: 'no-store',
    },
    problems: [
      { slug: 'unauthorized', when: 'The form needs sign-in (`authentication` in its definition) and no valid, unexpired citizen token was sent.' },
      { slug: 'insufficient-trust-level', when: "The citizen token's level is below the form's `authentication.level`." },
      {
        slug: 'malformed-request',
        when: 'The body is not a JSON object, lacks `data`, has an unknown member or a bad `formVersion`, or the `Idempotency-Key` is malformed.',
      },
      { slug: 'not-found', when: 'Unknown form or form version.' },
      { slug: 'idempotency-in-progress', when: 'A request with the same `Idempotency-Key` is being processed right now; retry after `Retry-After` seconds.' },
      { slug: 'validation-failed', when: "`data` does not satisfy the form's JSON Schema; `errors` lists every failure with a pointer into the body." },
      { slug: 'idempotency-key-reused', when: 'The `Idempotency-Key` was used with a different body within 24 hours.' },
      { slug: 'unavailable', when: 'KMS or DynamoDB failed; nothing was stored, the request may be retried.' },
    ],
  },
  listCases: {
    tag: 'cases',
    summary: "List an office's cases",
    description:
      "The cases of one of the clerk's offices, newest first, one page at a time. Decrypts nothing: summaries only.",
    query: {
      shape: api.listCasesQuery,
      component: 'ListCasesQuery',
      describe: {
        office: 'The office; required when the clerk works for more than one.',
        formId: 'Only cases of this form.',
        status: 'Only cases in this status.',
        limit: 'Page size, 1 to 100; default 25.',
        cursor: '`nextCursor` of the previous page, unchanged.',
      },
    },
    success: { status: 200, component: 'CasePage', description: 'One page of cases.', cacheControl: 'no-store' },
    problems: [
      {
        slug: 'malformed-request',
        when: 'A bad query parameter, a forged cursor or one issued for other filters, or no `office` for a clerk of several offices.',
      },
      { slug: 'forbidden', when: '`office` is not one of the clerk\'s offices (or the clerk has none).' },
    ],
  },
  getCase: {
    tag: 'cases',
    summary: 'Read a case',
    description:
      'The case with its decrypted form data and notes. The read is recorded as a `case.viewed` event before any ' +
      'data leaves; `ETag` is the case version to send as `If-Match` when changing its status.',
    success: {
      status: 200,
      component: 'CaseDetail',
      description: 'The case, decrypted.',
      cacheControl: 'no-store',
      etag: true,
    },
    problems: [
      NOT_FOUND_CASE,
      { slug: 'integrity-error', when: 'The stored case is damaged or was changed outside the API (envelope, summary or notes fail authentication); no data is returned.' },
      { slug: 'unavailable', when: 'KMS or DynamoDB failed, or the read could not be recorded; no data is returned.' },
    ],
  },
  updateCase: {
    tag: 'cases',
    summary: "Change a case's status, add a note, or both",
    description:
      'Allowed transitions: `received → in_review`; `in_review → needs_info | approved | rejected`; ' +
      '`needs_info → in_review`; `approved | rejected → closed`. A note alone keeps the status (`case.note_added`). ' +
      'Notes are stored encrypted. Every change increments the version. Requires `If-Match` with the current `ETag`.',
    ifMatch: true,
    body: { component: 'UpdateCaseRequest', description: 'A new status, a note (1 to 4,000 characters), or both.' },
    success: {
      status: 200,
      component: 'CaseSummary',
      description: 'The changed case; `ETag` is its new version.',
      cacheControl: 'no-store',
      etag: true,
    },
    problems: [
      { slug: 'malformed-request', when: 'The body is not a JSON object with a known `status`, a non-empty `note`, or both (neither: `/status` is required).' },
      { slug: 'validation-failed', when: 'The note is longer than 4,000 characters, or the case already has 100 notes (pointer `/note`).' },
      NOT_FOUND_CASE,
      { slug: 'invalid-transition', when: 'The workflow does not allow this status change from the current status; `detail` names the allowed targets.' },
      { slug: 'precondition-failed', when: '`If-Match` does not match the current version (the answer then carries the current `ETag`).' },
      { slug: 'precondition-required', when: '`If-Match` is missing.' },
      { slug: 'integrity-error', when: 'The stored case is damaged or was changed outside the API; nothing was changed.' },
      { slug: 'unavailable', when: 'KMS or DynamoDB failed; nothing was changed.' },
    ],
  },
  listEvents: {
    tag: 'cases',
    summary: "Read a case's audit trail",
    description:
      'The events of the case, oldest first, one page at a time: `case.received`, `case.viewed`, `case.status_changed`, ' +
      '`case.note_added`, `case.confirmation_sent`, `case.confirmation_failed`. Append-only.',
    query: {
      shape: api.listEventsQuery,
      component: 'ListEventsQuery',
      describe: { limit: 'Page size, 1 to 500; default 100.', cursor: '`nextCursor` of the previous page, unchanged.' },
    },
    success: { status: 200, component: 'EventPage', description: 'One page of events.', cacheControl: 'no-store' },
    problems: [
      NOT_FOUND_CASE,
      { slug: 'malformed-request', when: 'A bad query parameter, or a forged cursor or one issued for another case.' },
      { slug: 'integrity-error', when: 'The stored case item is damaged (its envelope or summary is missing or malformed).' },
    ],
  },
  attachmentTicket: {
    tag: 'submissions',
    summary: 'Get an upload ticket for a file',
    description:
      'For a file field of the form (`x-attachment` in its schema; `field` is the JSON Pointer into `data`, array elements ' +
      'by index): records the file and answers a presigned `PUT` into quarantine, valid for 15 minutes, that storage accepts ' +
      'only with exactly `upload.headers` (length, type, SHA-256 checksum; no overwrite). The file is then scanned; poll its status.',
    body: { component: 'AttachmentTicketRequest', description: 'The file\'s field, name, media type, size and SHA-256 (base64).' },
    success: { status: 201, component: 'AttachmentTicket', description: 'The ticket with the upload instruction.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'A member is missing, malformed or unknown (e.g. `sha256` not 44 characters of base64).' },
      { slug: 'not-found', when: 'Unknown form.' },
      { slug: 'validation-failed', when: '`field` is no file field of the form (pointer `/field`), or the type (`/mediaType`) or size (`/size`) is not allowed there.' },
      { slug: 'unavailable', when: 'KMS or DynamoDB failed; no ticket was issued.' },
    ],
  },
  attachmentStatus: {
    tag: 'submissions',
    summary: 'Status of an uploaded file',
    description:
      '`awaiting-upload` until the scan result arrives, `clean` once the file passed the malware scan and its leading bytes ' +
      'match its type (only then can it be submitted), `rejected` with a `reason` otherwise. Unbound tickets expire after 24 hours.',
    success: { status: 200, component: 'AttachmentState', description: 'The status.', cacheControl: 'no-store' },
    problems: [{ slug: 'not-found', when: 'Unknown or expired attachment, or one of another form.' }],
  },
  downloadAttachment: {
    tag: 'cases',
    summary: 'Download a file of a case',
    description:
      'Records `case.attachment_viewed`, then answers a presigned GET of the file, valid for at most 60 seconds. ' +
      'If the view cannot be recorded, no URL is answered.',
    success: { status: 200, component: 'AttachmentDownload', description: 'The download URL.', cacheControl: 'no-store' },
    problems: [
      { slug: 'not-found', when: 'No such case or attachment, an attachment of another case, or a case of an office the clerk does not work for.' },
      { slug: 'integrity-error', when: 'The stored case item is damaged.' },
      { slug: 'unavailable', when: 'DynamoDB failed, or the view could not be recorded; no URL is answered.' },
    ],
  },
  getStatus: {
    tag: 'status',
    summary: "A citizen asks for his application's status",
    description:
      'Status and times of the case with this reference, for the holder of its status token (the `statusToken` of the ' +
      "submission's `201`, also in the confirmation mail's status link). Never data, notes, office or clerk. Rate-limited per client.",
    statusToken: true,
    success: { status: 200, component: 'CitizenStatus', description: 'The status of the case.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'The `Status-Token` header is missing.' },
      {
        slug: 'not-found',
        when: 'Unknown or malformed reference, or a token that is not this case\'s: the same answer, so that neither can be told from the other.',
      },
      { slug: 'rate-limited', when: 'Too many status requests from this client; retry after `Retry-After` seconds (locally) or a few minutes.' },
      { slug: 'integrity-error', when: 'The stored case item is damaged (its summary is missing or malformed).' },
      { slug: 'unavailable', when: 'DynamoDB or the secret store failed; retry later.' },
    ],
  },
  getAccesses: {
    tag: 'status',
    summary: "A citizen asks who accessed his application's data",
    description:
      'Every access to the plaintext of the case with this reference, oldest first, for the holder of its status token: ' +
      "a clerk's view, file view or export (by the office's display name), the handover to the office's own system, " +
      'and the confirmation mail (`system`). Never a clerk\'s name. Read from the hash-chained events; rate-limited like `GET /status`.',
    statusToken: true,
    success: { status: 200, component: 'CitizenAccesses', description: 'The accesses.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'The `Status-Token` header is missing.' },
      { slug: 'not-found', when: "Unknown or malformed reference, or a token that is not this case's: the same answer for both." },
      { slug: 'rate-limited', when: 'Too many status requests from this client.' },
      { slug: 'integrity-error', when: 'The stored case item is damaged.' },
      { slug: 'unavailable', when: 'DynamoDB or the secret store failed; retry later.' },
    ],
  },
  sendMessage: {
    tag: 'cases',
    summary: 'Write a message to the citizen',
    description:
      'A request (moves `in_review` to `needs_info`), an information, or the decision (needs `approved` or `rejected`), with files ' +
      'uploaded through `POST /cases/{caseId}/attachments` (each `clean`). Text and file names are stored encrypted under the ' +
      'message context. Recorded as `case.message_sent` (and `case.status_changed` for a request); the citizen is told by ' +
      'e-mail that there is news, if the form names his address. Requires `If-Match` with the current `ETag`.',
    ifMatch: true,
    body: { component: 'MessageRequest', description: 'Kind, text (1 to 4,000 characters) and optionally the ids of uploaded files.' },
    success: { status: 201, component: 'CaseSummary', description: 'The case after the message; `ETag` is its new version.', cacheControl: 'no-store', etag: true },
    problems: [
      { slug: 'malformed-request', when: 'The body is not a JSON object with a known `kind`, a non-empty `text` and optionally `attachments` (ids).' },
      { slug: 'validation-failed', when: 'The text is longer than 4,000 characters (pointer `/text`), or a file is not a clean, unbound file uploaded for this case (pointer `/attachments/<i>`).' },
      NOT_FOUND_CASE,
      { slug: 'invalid-transition', when: 'A request while the case is not `in_review`, or a decision while it is neither `approved` nor `rejected`.' },
      { slug: 'precondition-failed', when: '`If-Match` does not match the current version (the answer then carries the current `ETag`).' },
      { slug: 'precondition-required', when: '`If-Match` is missing.' },
      { slug: 'integrity-error', when: 'The stored case is damaged or was changed outside the API; nothing was changed.' },
    ],
  },
  messageTicket: {
    tag: 'cases',
    summary: 'Get an upload ticket for a file of a message',
    description:
      'As `POST /forms/{formId}/attachments`, without a field: a PDF, JPEG or PNG of at most 20 MiB for a message of this case. ' +
      'Poll `GET /forms/{formId}/attachments/{attachmentId}` (the case\'s form) until `clean`.',
    body: { component: 'MessageTicketRequest', description: 'The file\'s name, media type, size and SHA-256 (base64).' },
    success: { status: 201, component: 'AttachmentTicket', description: 'The ticket with the upload instruction.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'A member is missing, malformed or unknown.' },
      { slug: 'validation-failed', when: 'The type (`/mediaType`) or size (`/size`) is not allowed.' },
      NOT_FOUND_CASE,
      { slug: 'integrity-error', when: 'The stored case item is damaged.' },
    ],
  },
  citizenMessages: {
    tag: 'status',
    summary: 'A citizen reads the messages of his application',
    description:
      "The office's messages and the citizen's replies, oldest first, for the holder of the case's status token (or of the citizen token of the citizen who signed in to submit it). Never names " +
      'the clerk. Rate-limited per client, as `GET /status/{reference}`.',
    statusOrCitizenToken: true,
    success: { status: 200, component: 'CitizenMessages', description: 'The messages.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'Neither a `Status-Token` nor an `Authorization` header.' },
      NF_CITIZEN,
      { slug: 'rate-limited', when: 'Too many status requests from this client.' },
      { slug: 'integrity-error', when: 'A stored message is damaged.' },
    ],
  },
  citizenDownload: {
    tag: 'status',
    summary: 'A citizen downloads a file of a message',
    description:
      'A presigned GET of a file of one of the case\'s messages or replies, valid for at most 60 seconds. The decision\'s file ' +
      'is recorded as `case.decision_downloaded` before the URL is answered.',
    statusOrCitizenToken: true,
    success: { status: 200, component: 'AttachmentDownload', description: 'The download URL.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'Neither a `Status-Token` nor an `Authorization` header.' },
      { slug: 'not-found', when: 'Unknown reference, wrong token, an unknown id, a file of another case or of the submitted form: the same answer.' },
      { slug: 'rate-limited', when: 'Too many status requests from this client.' },
      { slug: 'integrity-error', when: 'The stored case item is damaged.' },
    ],
  },
  citizenReply: {
    tag: 'status',
    summary: 'A citizen replies',
    description:
      'Text and files uploaded through `POST /status/{reference}/attachments` (each `clean`). Recorded as `case.reply_received`; ' +
      'a case in `needs_info` moves back to `in_review` within seconds (the status change is recorded as `case.status_changed` ' +
      `by \`citizen\`). At most ${MAX_REPLIES} replies per case.`,
    statusOrCitizenToken: true,
    body: { component: 'ReplyRequest', description: 'Text (1 to 4,000 characters) and optionally the ids of uploaded files.' },
    success: { status: 201, component: 'CitizenMessage', description: 'The reply as stored.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'Neither a `Status-Token` nor an `Authorization` header, or the body is not `{ text, attachments? }`.' },
      NF_CITIZEN,
      { slug: 'validation-failed', when: `The text is longer than 4,000 characters (\`/text\`), the case has ${MAX_REPLIES} replies already, or a file is not a clean, unbound file uploaded for this case (\`/attachments/<i>\`).` },
      { slug: 'rate-limited', when: 'Too many status requests from this client.' },
      { slug: 'integrity-error', when: 'The stored case item is damaged.' },
    ],
  },
  replyTicket: {
    tag: 'status',
    summary: 'Get an upload ticket for a file of a reply',
    description:
      'As `POST /forms/{formId}/attachments`, without a field, behind the status token: a PDF, JPEG or PNG of at most 20 MiB. ' +
      'Poll `GET /forms/{formId}/attachments/{attachmentId}` (the case\'s form) until `clean`.',
    statusOrCitizenToken: true,
    body: { component: 'MessageTicketRequest', description: 'The file\'s name, media type, size and SHA-256 (base64).' },
    success: { status: 201, component: 'AttachmentTicket', description: 'The ticket with the upload instruction.', cacheControl: 'no-store' },
    problems: [
      { slug: 'malformed-request', when: 'Neither a `Status-Token` nor an `Authorization` header, or a member is missing, malformed or unknown.' },
      NF_CITIZEN,
      { slug: 'validation-failed', when: 'The type (`/mediaType`) or size (`/size`) is not allowed.' },
      { slug: 'rate-limited', when: 'Too many status requests from this client.' },
      { slug: 'integrity-error', when: 'The stored case item is damaged.' },
    ],
  },
  exportCases: {
    tag: 'cases',
    summary: "Export a form's cases (CSV or JSON)",
    description:
      "The cases of one form of one of the clerk's offices received in `[from, to)`, decrypted, oldest first: at most " +
      `${api.MAX_EXPORT_CASES}. Columns: \`caseId,reference,status,receivedAt\`, then one per leaf JSON Pointer of the form's ` +
      'schemas (the union over every version of the form, latest first; an array is one cell, as JSON). CSV is RFC 4180 ' +
      "(CRLF, UTF-8); a cell beginning with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` (formula injection). " +
      'Every exported case is recorded as `case.exported` before the answer leaves; a damaged case is left out (logged ' +
      'and counted as an integrity error).',
    query: {
      shape: api.exportCasesQuery,
      component: 'ExportCasesQuery',
      describe: {
        office: "The office; default: the form's office. It must be one of the clerk's offices.",
        formId: 'The form whose cases are exported (required).',
        from: 'Only cases received at or after this time (RFC 3339).',
        to: 'Only cases received before this time (RFC 3339); after `from`.',
        format: '`csv` (default) or `json`.',
      },
    },
    success: {
      status: 200,
      component: 'CaseExport',
      description: 'The export: `text/csv` (default) or JSON (`format=json`).',
      cacheControl: 'no-store',
      csv: 'RFC 4180 CSV with a header row (`format=csv`, the default); `Content-Disposition: attachment`.',
    },
    problems: [
      {
        slug: 'malformed-request',
        when: `A bad query parameter (\`formId\` missing, \`to\` not after \`from\`), an \`office\` that is not the form's, or more than ${api.MAX_EXPORT_CASES} cases in the range (narrow it).`,
      },
      { slug: 'forbidden', when: "The office (the given one, or the form's) is not one of the clerk's offices." },
      { slug: 'not-found', when: 'Unknown form.' },
      { slug: 'unavailable', when: 'KMS or DynamoDB failed, or an export could not be recorded; no data is returned.' },
    ],
  },
  bundidLogin: {
    tag: 'sign-in',
    summary: 'Start a sign-in with BundID',
    description:
      'An HTML page that posts a signed SAML `AuthnRequest` to BundID (HTTP-POST binding) with `RequestedAuthnContext` `minimum` of ' +
      "the level's STORK URI and the `akdb:AuthenticationRequest` extension. Sets an HttpOnly, Secure, SameSite=None cookie that binds " +
      'the request to this browser. A bad `level` or a `returnTo` outside the portal is an HTML page (`400`) and starts nothing.',
    query: {
      shape: api.signInQuery,
      component: 'SignInQuery',
      describe: { level: 'The trust level to ask for: `low`, `substantial` or `high`.', returnTo: 'A path under the portal to return to after the sign-in.' },
    },
    success: { status: 200, component: 'SignInPage', mediaType: 'text/html', description: 'The page that posts the request to BundID.', cacheControl: 'no-store' },
    problems: [{ slug: 'not-found', when: 'The stage has no BundID registration.' }],
  },
  bundidMetadata: {
    tag: 'sign-in',
    summary: "The service provider's SAML metadata",
    description: "For the registration with BundID's self-service portal: entity id, signing certificate, the ACS (HTTP-POST).",
    success: { status: 200, component: 'Metadata', mediaType: 'application/samlmetadata+xml', description: 'SAML 2.0 metadata.' },
    problems: [{ slug: 'not-found', when: 'The stage has no BundID registration.' }],
  },
  bundidAcs: {
    tag: 'sign-in',
    summary: "BundID's answer (assertion consumer service)",
    description:
      'Accepts the `SAMLResponse` only if signature, issuer, audience, destination, `InResponseTo` (a request this browser started, ' +
      'one-time), validity window and one-time assertion id hold and the level achieved is at least the requested one; then redirects ' +
      'to `returnTo` with a citizen token (JWT, at most 30 minutes) in the URL fragment. Anything else is an HTML page that says what ' +
      'failed (`400`; `403` for a lower level), never a token.',
    formBody: { description: 'The HTTP-POST binding of SAML 2.0.', fields: { SAMLResponse: 'The base64 SAML response.' } },
    success: {
      status: 303,
      component: 'SignInPage',
      mediaType: 'text/html',
      location: '`<returnTo>#token=<citizen token>`: the token only in the fragment.',
      description: 'Signed in: back to the portal.',
      cacheControl: 'no-store',
    },
    problems: [{ slug: 'not-found', when: 'The stage has no BundID registration.' }],
  },
  myCases: {
    tag: 'sign-in',
    summary: "A signed-in citizen's cases",
    description: "The cases the citizen submitted after signing in, newest first: reference, form, status and times only.",
    citizenToken: true,
    success: { status: 200, component: 'MyCases', description: "The citizen's cases.", cacheControl: 'no-store' },
    problems: [{ slug: 'unauthorized', when: 'No valid, unexpired citizen token.' }],
  },
  openapi: {
    tag: 'operational',
    summary: 'This OpenAPI document',
    description: 'The OpenAPI 3.1 document of the API, generated from the code.',
    success: { status: 200, component: 'OpenApiDocument', description: 'The document.', cacheControl: PUBLIC_CACHE },
    problems: [],
  },
};

export const COMMON_PROBLEMS: Record<'body' | 'clerk' | 'all', readonly ProblemCase[]> = {
  body: [
    { slug: 'malformed-request', when: 'The body is not JSON or not a JSON object.' },
    { slug: 'payload-too-large', when: 'The body is larger than 256 KiB.' },
    { slug: 'unsupported-media-type', when: 'The body is not sent as `Content-Type: application/json`.' },
  ],
  clerk: [{ slug: 'unauthorized', when: 'No valid, unexpired bearer token.' }],
  all: [
    { slug: 'rate-limited', when: 'Throttled by the API, or a dependency (DynamoDB, KMS) throttled; nothing was stored.' },
    { slug: 'unavailable', when: 'A dependency failed or the function did not answer; nothing was acknowledged.' },
  ],
};
