import { FILE_NAME_PATTERN, plainObject, SHA256_BASE64_PATTERN } from '#lib/api/patterns.ts';
import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import { unknownKeys } from '#lib/http/pageQuery.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';
import { arrayField, intField, stringField } from '#lib/http/requestFields.ts';
import type { MessageTicketRequest } from './tickets.ts';

/**
 * The bodies of the citizen's message routes, parsed as `replyRequest` and `messageTicketRequest`
 * (functions/lib/api/schemas.ts, from which the OpenAPI document is generated) parse them,
 * answering the same 400 with the same errors, without loading zod at cold start.
 * test/unit/api/messageRequests.test.ts holds each to its zod shape.
 */

/** The ids' array takes at most this many (zod's `max(100)`); a message binds at most MAX_MESSAGE_FILES (422). */
const MAX_ATTACHMENT_IDS = 100;
const MAX_FILE_NAME_CHARS = 255;
const MAX_MEDIA_TYPE_CHARS = 100;

/** A message's text (`messageText`): trimmed, at least one character; its maximum is the handler's 422. */
const messageTextField = (value: unknown, issues: RequestIssue[]): string | undefined => stringField(value, ['text'], { trim: true, min: 1 }, issues);

/** A message's attachment ids (`messageAttachmentIds`), if it names any. */
function attachmentIdsField(value: unknown, issues: RequestIssue[]): string[] | undefined {
  if (value === undefined) return undefined;
  return arrayField(value, ['attachments'], { max: MAX_ATTACHMENT_IDS }, (id, path, into) => stringField(id, path, { pattern: ATTACHMENT_ID }, into), issues);
}

export interface Reply {
  text: string;
  attachments?: string[];
}

/** `POST /status/{reference}/replies`. */
export function replyOf(body: unknown): Reply {
  if (!plainObject(body)) throw malformedRequest('body', [{ path: [], keyword: 'invalid_type' }]);
  const issues: RequestIssue[] = [];
  const text = messageTextField(body.text, issues);
  const attachments = attachmentIdsField(body.attachments, issues);
  unknownKeys(body, ['text', 'attachments'], issues);
  if (issues.length > 0 || text === undefined) throw malformedRequest('body', issues);
  return { text, ...(attachments === undefined ? {} : { attachments }) };
}

/** The file a ticket is asked for (`attachmentTicketRequest` without `field`), its issues into `issues`. */
function ticketFileFields(body: Record<string, unknown>, issues: RequestIssue[]): Partial<MessageTicketRequest> {
  return {
    fileName: stringField(body.fileName, ['fileName'], { min: 1, max: MAX_FILE_NAME_CHARS, pattern: FILE_NAME_PATTERN }, issues),
    mediaType: stringField(body.mediaType, ['mediaType'], { min: 1, max: MAX_MEDIA_TYPE_CHARS }, issues),
    size: intField(body.size, ['size'], 1, Number.MAX_SAFE_INTEGER, issues),
    sha256: stringField(body.sha256, ['sha256'], { pattern: SHA256_BASE64_PATTERN }, issues),
  };
}

/** `POST /status/{reference}/attachments` (and the office's `POST /cases/{caseId}/attachments`). */
export function messageTicketRequestOf(body: unknown): MessageTicketRequest {
  if (!plainObject(body)) throw malformedRequest('body', [{ path: [], keyword: 'invalid_type' }]);
  const issues: RequestIssue[] = [];
  const file = ticketFileFields(body, issues);
  unknownKeys(body, ['fileName', 'mediaType', 'size', 'sha256'], issues);
  if (issues.length > 0) throw malformedRequest('body', issues);
  return file as MessageTicketRequest;
}
