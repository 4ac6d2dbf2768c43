import * as z from 'zod';
import type { ChainedEvent } from '#lib/audit/chain.ts';
import { ATTRIBUTE_NAMES, TRUST_LEVELS } from '#lib/bundid/levels.ts';
import { CASE_STATUSES, DELIVERY_STATES, EVENT_TYPES, MAX_NOTE_CHARS, MAX_NOTES, type CaseSummary } from '#lib/cases/model.ts';
import { PROBLEMS, type ProblemSlug } from '#lib/http/problem.ts';
import { REFERENCE_PATTERN } from '#lib/cases/reference.ts';
import { ATTACHMENT_ID, MEDIA_TYPES } from '#lib/attachments/fields.ts';
import { DATA_POINTER_PATTERN, FILE_NAME_PATTERN, plainObject, SHA256_BASE64_PATTERN, SLUG_PATTERN, ULID_PATTERN } from './patterns.ts';
import { ATTACHMENT_STATUSES, REJECTION_REASONS } from '#lib/attachments/model.ts';
import { MAX_MESSAGE_CHARS, MAX_MESSAGE_FILES, MAX_REPLIES, MESSAGE_KINDS, REPLY_KIND } from '#lib/messages/model.ts';
import { MAX_EXPORT_CASES } from '#lib/export/limits.ts';

/**
 * Request and response shapes of API.md. Handlers parse untrusted input with these; the OpenAPI
 * document (openapi.ts) is generated from them, so a response shape must describe exactly what its
 * handler sends.
 */

/** Form data stays the very object JSON.parse made (no copy, no coercion): the form's schema judges it. */
export const formData = z.custom<Record<string, unknown>>(plainObject, { message: 'data must be a JSON object' });

// ---- ids, names and times ---------------------------------------------------------------------

export const caseId = z.string().regex(ULID_PATTERN).meta({ description: 'ULID of the case: 26 characters of Crockford base32.' });
export const reference = z
  .string()
  .max(24)
  .regex(REFERENCE_PATTERN)
  .meta({ description: 'Short case reference a citizen quotes on the phone, e.g. `K7QM-4HXT-9CRB` (no 0, O, 1, I or L).' });
export const formId = z.string().regex(SLUG_PATTERN).meta({ description: 'Form id, e.g. `fischereischein`.' });
export const office = z.string().regex(SLUG_PATTERN).meta({ description: 'Office (Cognito group) that handles the cases of a form.' });
export const timestamp = z.iso.datetime({ precision: 3 }).meta({ description: 'RFC 3339 time in UTC with milliseconds.' });
export const formVersion = z.int().min(1).meta({ description: 'Version of the form definition.' });

export const submissionRequest = z.strictObject({
  data: formData,
  formVersion: z.int().min(1).max(1_000_000).optional(),
});
export type SubmissionRequest = z.infer<typeof submissionRequest>;

export const localized = z.object({ de: z.string(), en: z.string() });

export const submissionResponse = z.object({
  caseId,
  reference,
  formId,
  formVersion,
  status: z.literal('received'),
  receivedAt: timestamp,
  statusToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{22,}$/)
    .meta({ description: 'Secret for `GET /status/{reference}` (header `Status-Token`), base64url, 256 bits. Shown once: keep it; it is the same on a replay.' }),
});
export type SubmissionResponse = z.infer<typeof submissionResponse>;

export const caseStatus = z.enum(CASE_STATUSES);

/** `limit` for pages: a decimal of 1 to `max`, as a query string carries it. */
const pageLimit = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,3}$/)
    .transform(Number)
    .pipe(z.int().min(1).max(max))
    .optional();

/** Query parameters arrive as strings. */
export const listCasesQuery = z.strictObject({
  office: office.optional(),
  formId: formId.optional(),
  status: caseStatus.optional(),
  limit: pageLimit(100),
  cursor: z.string().min(1).max(1000).optional(),
});

/** True exactly when two types are the same: keeps a zod shape and the domain type it describes in step. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** `GET /cases/{caseId}/events` query parameters. */
export const listEventsQuery = z.strictObject({ limit: pageLimit(500), cursor: z.string().min(1).max(1000).optional() });

export const caseSummary = z.object({
  caseId,
  reference,
  formId,
  formVersion,
  office,
  status: caseStatus,
  receivedAt: timestamp,
  updatedAt: timestamp,
  version: z.int().min(1).meta({ description: 'Optimistic-locking version; the ETag is this number in quotes.' }),
  delivery: z.enum(DELIVERY_STATES).nullable().meta({
    description: "Delivery to the office's back-office system: null when the office has no destination (or the case was not picked up yet).",
  }),
});

const summaryIsTheDomainSummary: Same<z.infer<typeof caseSummary>, CaseSummary> = true;
void summaryIsTheDomainSummary;

/** At least one of the two (checked by the handler, which names `/status` as required). */
export const updateCaseRequest = z.strictObject({
  status: caseStatus.optional(),
  note: z.string().trim().min(1).optional().meta({ description: `At most ${MAX_NOTE_CHARS} characters; a case has at most ${MAX_NOTES} notes (else 422, pointer \`/note\`).` }),
});

// ---- forms ------------------------------------------------------------------------------------

/** `GET /forms/{formId}?version=N`. */
export const formVersionQuery = z.strictObject({
  version: z.string().regex(/^[1-9][0-9]{0,5}$/).transform(Number).pipe(z.int().min(1).max(999_999)).optional(),
});

/** What `GET /forms` lists for each form (its latest version). */
export const formSummary = z.object({
  id: formId,
  version: formVersion,
  office,
  officeName: localized.meta({ description: "The office's display name, from the administration's stage file: show it, never the id." }),
  title: localized,
  description: localized,
});

export const formList = z.object({ items: z.array(formSummary).meta({ description: 'The latest version of every form, sorted by id.' }) });

/** The form's JSON Schema, as the form definition holds it (form-definition.schema.json requires these two keywords). */
export const formSchema = z
  .looseObject({ $schema: z.literal('https://json-schema.org/draft/2020-12/schema'), type: z.literal('object') })
  .meta({ description: "JSON Schema (draft 2020-12) of the form's data: render the form from it and pre-validate with it." });

/** The portal's pages (form definition's optional `ui`): headings and the top-level properties of each, by pointer. */
export const formUi = z
  .object({ pages: z.array(z.object({ title: localized, properties: z.array(z.string()) })) })
  .meta({ description: "The portal's pages, in order: a heading and the top-level properties (JSON Pointers) of each. Never changes what is valid." });

/** The sign-in a form needs (API.md, *Citizen sign-in*): the portal signs the citizen in first and prefills from the released attributes. */
export const formAuthentication = z
  .object({
    level: z.enum(TRUST_LEVELS),
    prefill: z.record(z.string().regex(/^\//), z.enum(ATTRIBUTE_NAMES)).optional(),
  })
  .meta({ description: 'The form needs a BundID sign-in of at least this level; `prefill` maps data pointers to BundID attribute names the portal fills in.' });

export const formDetail = formSummary.extend({ schema: formSchema, ui: formUi.optional(), authentication: formAuthentication.optional() });

// ---- cases ------------------------------------------------------------------------------------

export const casePage = z.object({
  items: z.array(caseSummary).meta({ description: 'Newest first.' }),
  nextCursor: z.string().nullable().meta({ description: 'Opaque: pass it as `cursor` for the next page; `null` on the last page.' }),
});

/** A clerk's id: the `sub` claim of his token, or `citizen` for the submission. */
export const actor = z.string().min(1).max(128).meta({ description: 'Who acted: the clerk\'s `sub`, or `citizen`.' });

export const caseNote = z.object({ at: timestamp, actor, text: z.string() });

// ---- attachments ------------------------------------------------------------------------------

export const attachmentId = z.string().regex(ATTACHMENT_ID).meta({ description: 'ULID of an attachment: 26 characters of Crockford base32.' });
export const mediaType = z.enum(MEDIA_TYPES).meta({ description: 'Media type of a file: PDF, JPEG or PNG.' });
export const sha256 = z.string().regex(SHA256_BASE64_PATTERN).meta({ description: 'Base64 of the SHA-256 of the file\'s bytes (44 characters).' });
export const dataPointer = z
  .string()
  .max(500)
  .regex(DATA_POINTER_PATTERN)
  .meta({ description: 'JSON Pointer into the form\'s `data` where the attachment id will stand; array elements by index, e.g. `/incomeProofs/0`.' });

/** `POST /forms/{formId}/attachments`. Type and size are checked against the field (422), not here. */
export const attachmentTicketRequest = z.strictObject({
  field: dataPointer,
  fileName: z
    .string()
    .min(1)
    .max(255)
    .regex(FILE_NAME_PATTERN)
    .meta({ description: 'The file\'s name as the citizen chose it (no path, no control characters: no Unicode Cc, Cf (format and bidi controls such as U+202E), Zl or Zp); stored encrypted.' }),
  mediaType: z.string().min(1).max(100).meta({ description: 'One of the field\'s `x-attachment.mediaTypes`.' }),
  size: z.int().min(1).max(Number.MAX_SAFE_INTEGER).meta({ description: 'Bytes; at most the field\'s `x-attachment.maxBytes`.' }),
  sha256,
});

export const attachmentStatus = z.enum(ATTACHMENT_STATUSES);
export const rejectionReason = z.enum(REJECTION_REASONS);

export const attachmentState = z.object({
  attachmentId,
  status: attachmentStatus,
  reason: rejectionReason.optional().meta({ description: 'Why a file was rejected (only with `rejected`).' }),
});

export const uploadInstruction = z.object({
  method: z.literal('PUT'),
  url: z.url().meta({ description: 'Presigned URL of the upload.' }),
  headers: z.record(z.string(), z.string()).meta({ description: 'Send exactly these headers with the bytes; storage refuses other sizes, types or checksums.' }),
  expiresAt: timestamp,
});

export const attachmentTicket = z.object({ attachmentId, status: z.literal('awaiting-upload'), upload: uploadInstruction });

/** An attachment of a case as a clerk sees it. */
export const caseAttachment = z.object({
  attachmentId,
  field: dataPointer,
  fileName: z.string(),
  mediaType,
  size: z.int().min(1),
  sha256,
});

export const attachmentDownload = z.object({
  url: z.url().meta({ description: 'Presigned GET of the file, valid for at most 60 seconds.' }),
  expiresAt: timestamp,
});

// ---- messages between office and citizen -------------------------------------------------------

export const messageKind = z.enum(MESSAGE_KINDS).meta({ description: '`request` (moves `in_review` to `needs_info`), `information`, or `decision` (needs `approved` or `rejected`).' });
const messageText = z.string().trim().min(1).meta({ description: `At most ${MAX_MESSAGE_CHARS} characters (else 422, pointer \`/text\`); stored encrypted.` });
const messageAttachmentIds = z
  .array(attachmentId)
  .max(100)
  .meta({ description: `Ids of files uploaded for this case through its attachment tickets, each \`clean\`; at most ${MAX_MESSAGE_FILES}.` });

/** `POST /cases/{caseId}/messages`. */
export const messageRequest = z.strictObject({ text: messageText, kind: messageKind, attachments: messageAttachmentIds.optional() });
/** `POST /status/{reference}/replies`. */
export const replyRequest = z.strictObject({ text: messageText, attachments: messageAttachmentIds.optional() });
/** `POST /cases/{caseId}/attachments` and `POST /status/{reference}/attachments`: a file for a message (no field). */
export const messageTicketRequest = attachmentTicketRequest.omit({ field: true });

export const anyMessageKind = z.enum([...MESSAGE_KINDS, REPLY_KIND]).meta({ description: 'The office\'s kinds, or `reply` for a citizen\'s reply.' });
export const citizenMessageFile = z.object({ attachmentId, fileName: z.string(), mediaType, size: z.int().min(1) });
/** One message or reply as the citizen sees it (API.md): never the clerk. */
export const citizenMessage = z.object({
  at: timestamp,
  from: z.enum(['office', 'citizen']),
  kind: anyMessageKind,
  text: z.string(),
  attachments: z.array(citizenMessageFile),
});
export const citizenMessages = z.object({
  items: z.array(citizenMessage).meta({ description: `The office's messages and the citizen's replies, oldest first (at most ${MAX_REPLIES} replies).` }),
});
/** One message or reply as a clerk sees it in the case. */
export const caseMessage = citizenMessage.extend({
  messageId: caseId.meta({ description: 'ULID of the message.' }),
  actor,
  attachments: z.array(citizenMessageFile.extend({ sha256 })),
});
/** Who signed in to submit a form that needs sign-in (API.md, *Citizen sign-in*). */
export const caseAuthentication = z
  .object({
    provider: z.literal('bundid'),
    level: z.enum(TRUST_LEVELS).meta({ description: "The trust level BundID achieved: `STORK-QAA-Level-1`, `-3`, `-4`." }),
    attributes: z
      .object(Object.fromEntries(ATTRIBUTE_NAMES.map((name) => [name, z.string().optional()])))
      .meta({ description: 'The attributes BundID released, by name.' }),
    authenticatedAt: z.iso.datetime().meta({ description: 'When BundID authenticated the citizen.' }),
  })
  .meta({ description: 'The identity of the citizen who signed in with BundID to submit; absent for forms without sign-in.' });

export const caseDetail = caseSummary.extend({
  data: formData,
  authentication: caseAuthentication.optional(),
  notes: z.array(caseNote).meta({ description: 'Notes of status changes, oldest first.' }),
  attachments: z.array(caseAttachment).meta({ description: 'The files bound to the case, with their decrypted names.' }),
  messages: z.array(caseMessage).meta({ description: "The office's messages and the citizen's replies, oldest first, decrypted." }),
});

export const eventType = z.enum(EVENT_TYPES);

export const caseEvent = z.object({
  at: timestamp,
  type: eventType,
  actor,
  from: caseStatus.optional(),
  to: caseStatus.optional(),
  detail: z.string().optional().meta({ description: 'What the event concerns beyond the case, never citizen data: for `case.attachment_viewed` the `attachmentId`.' }),
  seq: z.int().min(1).meta({ description: 'The event\'s place in the case\'s hash chain: 1, 2, … (API.md, *Audit*).' }),
  hash: z.string().meta({ description: 'base64url SHA-256 of the RFC 8785 canonical JSON of `{ prev, seq, caseId, type, actor, at, detail, from, to }` (absent members left out; `prev` is the previous event\'s hash, `""` for the first).' }),
});

const eventIsTheDomainEvent: Same<z.infer<typeof caseEvent>, ChainedEvent> = true;
void eventIsTheDomainEvent;

export const eventPage = z.object({
  items: z.array(caseEvent).meta({ description: 'Oldest first.' }),
  nextCursor: z.string().nullable().meta({ description: 'Opaque: pass it as `cursor` for the next page; `null` on the last page.' }),
});

// ---- problems ---------------------------------------------------------------------------------

/** One failure of the form data (`validation-failed`). */
export const validationIssue = z.object({
  pointer: z.string().meta({ description: 'RFC 6901 JSON Pointer into the request body, e.g. `/data/applicant/email`.' }),
  keyword: z.string().meta({ description: 'The JSON Schema keyword that failed, e.g. `format`, `required`.' }),
  message: z.string().meta({ description: 'German by default, English with `Accept-Language: en`.' }),
});

/** One part of a request that does not have the expected shape (`malformed-request`). */
export const requestIssue = z.object({
  pointer: z.string().optional().meta({ description: 'JSON Pointer into the body, for a body problem.' }),
  parameter: z.string().optional().meta({ description: 'Name of the query parameter, for a query problem.' }),
  header: z.string().optional().meta({ description: 'Name of the header (lower case), for a header problem.' }),
  keyword: z.string(),
});

const PROBLEM_SLUGS = Object.keys(PROBLEMS) as [ProblemSlug, ...ProblemSlug[]];

/** RFC 9457 problem document. Extension members may be added (API Gateway adds `requestId`). */
export const problemDocument = z.looseObject({
  type: z.enum(PROBLEM_SLUGS.map((slug) => `urn:problem:${slug}` as const) as [`urn:problem:${ProblemSlug}`, ...`urn:problem:${ProblemSlug}`[]]),
  title: z.string().meta({ description: 'Short summary of the problem type, in the requested language.' }),
  status: z.int().min(400).max(599),
  detail: z.string().optional().meta({ description: 'Explanation of this occurrence; never contains citizen data.' }),
  errors: z
    .array(z.union([validationIssue, requestIssue]))
    .optional()
    .meta({ description: '`validation-failed`: every failure of the data; `malformed-request`: the offending fields.' }),
});

// ---- headers and the rest ---------------------------------------------------------------------

export const idempotencyKeyHeader = z.string().regex(/^[\x21-\x7E]{1,255}$/);

/** The headers `POST /forms/{formId}/submissions` reads (names lower-cased by the HTTP edge). */
export const submissionHeaders = z.looseObject({ 'idempotency-key': idempotencyKeyHeader.optional() });

/** The headers `PATCH /cases/{caseId}` reads: `If-Match` is required (428) and compared byte for byte (412). */
export const updateCaseHeaders = z.looseObject({ 'if-match': z.string().optional() });
/** `If-Match` and `ETag`: the case version as a strong entity tag. */
export const entityTag = z.string().regex(/^"[0-9]{1,9}"$/);

// ---- citizens' status -------------------------------------------------------------------------

export const statusTokenHeader = z.string().min(1).max(256);

/** The headers `GET /status/{reference}` reads: the token of the submission's 201. */
export const statusHeaders = z.looseObject({ 'status-token': statusTokenHeader });

/** A citizen's case in a list (GET /me/cases): status and times, never data, notes, office or clerk. */
export const citizenCase = z.strictObject({
  reference,
  formId,
  status: caseStatus,
  receivedAt: timestamp,
  updatedAt: timestamp,
});
/** What a citizen learns about his case (GET /status/{reference}): the same, with the status changes. */
export const citizenStatus = citizenCase.extend({
  history: z
    .array(z.strictObject({ at: timestamp, status: caseStatus }))
    .meta({ description: 'The status changes, oldest first: receipt, then every change of status.' }),
});
export type CitizenStatus = z.infer<typeof citizenStatus>;

/** GET /auth/bundid/login's query, as the handler reads it (it answers a page, not a problem, for anything else). */
export const signInQuery = z.object({ level: z.enum(TRUST_LEVELS), returnTo: z.string().min(1).max(512) });
/** GET /me/cases. */
export const myCases = z.object({ items: z.array(citizenCase) });

export const healthResponse = z.object({ status: z.literal('ok') });

/** The OpenAPI document itself, as `GET /openapi.json` answers it. */
export const openApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });

// ---- export (clerks) --------------------------------------------------------------------------

export { MAX_EXPORT_CASES };

/** An RFC 3339 bound, with any offset and precision; the handler compares it in UTC with milliseconds. */
const exportBound = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString()).pipe(z.iso.datetime({ precision: 3 }));

/** `GET /cases/export` query parameters. */
export const exportCasesQuery = z
  .strictObject({
    office: office.optional(),
    formId,
    from: exportBound.optional(),
    to: exportBound.optional(),
    format: z.enum(['csv', 'json']).optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, { path: ['to'], message: '`to` must be after `from`' });

export const exportedCase = caseSummary.extend({ data: formData });

/** `GET /cases/export?format=json`. */
export const exportJson = z.object({
  formId,
  office,
  columns: z.array(z.string()).meta({ description: "The leaf JSON Pointers of the form's schemas (every version): the CSV's columns after the first four." }),
  items: z.array(exportedCase).meta({ description: `Oldest first; at most ${MAX_EXPORT_CASES}.` }),
});
