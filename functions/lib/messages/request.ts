import { plainObject } from '#lib/api/patterns.ts';
import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import { arrayOf, oneOf, optional, stringOf, unknownKeys } from '#lib/http/fields.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';
import { MESSAGE_KINDS, type MessageKind } from './model.ts';

/**
 * The bodies of the clerk's `POST /cases/{caseId}/messages` and the citizen's
 * `POST /status/{reference}/replies`, parsed as `messageRequest` and `replyRequest`
 * (functions/lib/api/schemas.ts, from which the OpenAPI document is generated) parse them, answering
 * the same 400 with the same errors, without loading zod at cold start. Both check the text and the
 * attachment ids alike. test/unit/api/messageRequest.test.ts holds each parser to its zod shape.
 */
export interface MessageRequest {
  /** Trimmed, as zod's `trim()` trims; its length is the handler's to check (422). */
  text: string;
  kind: MessageKind;
  attachments?: string[];
}

/** A message's or a reply's text (`messageText`): a string, trimmed, not empty. */
export function messageTextOf(value: unknown, issues: RequestIssue[]): string | undefined {
  return stringOf(['text'], value, { trim: true, min: 1 }, issues);
}

/** A message's or a reply's files (`messageAttachmentIds`): at most 100 attachment ids (the handler allows fewer, 422). */
export function messageAttachmentIdsOf(value: unknown, issues: RequestIssue[]): string[] | undefined {
  return optional(value, (ids) => arrayOf(['attachments'], ids, 100, (path, id) => stringOf(path, id, { pattern: ATTACHMENT_ID }, issues), issues));
}

export function messageRequestOf(input: unknown): MessageRequest {
  if (!plainObject(input)) throw malformedRequest('body', [{ path: [], keyword: 'invalid_type' }]);
  const issues: RequestIssue[] = [];
  const text = messageTextOf(input.text, issues);
  const kind = oneOf(['kind'], input.kind, MESSAGE_KINDS, issues);
  const attachments = messageAttachmentIdsOf(input.attachments, issues);
  unknownKeys(input, ['text', 'kind', 'attachments'], issues);
  if (issues.length > 0) throw malformedRequest('body', issues);
  return { text: text as string, kind: kind as MessageKind, ...(attachments === undefined ? {} : { attachments }) };
}

/** The citizen's reply: a message without a kind. */
export interface Reply {
  text: string;
  attachments?: string[];
}

export function replyOf(input: unknown): Reply {
  if (!plainObject(input)) throw malformedRequest('body', [{ path: [], keyword: 'invalid_type' }]);
  const issues: RequestIssue[] = [];
  const text = messageTextOf(input.text, issues);
  const attachments = messageAttachmentIdsOf(input.attachments, issues);
  unknownKeys(input, ['text', 'attachments'], issues);
  if (issues.length > 0) throw malformedRequest('body', issues);
  return { text: text as string, ...(attachments === undefined ? {} : { attachments }) };
}
