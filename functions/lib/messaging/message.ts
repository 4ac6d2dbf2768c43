/**
 * What travels on the queues: the id of a case, nothing else. A worker loads what it needs from the
 * tables, so a queue (or its dead-letter queue, or a log line quoting a message) never holds
 * citizen data.
 */
export interface CaseMessage {
  readonly caseId: string;
  /** A message of the office to tell the citizen of (the confirmations queue's news mail); absent for a receipt. */
  readonly messageId?: string;
}

const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function caseMessageBody(caseId: string, messageId?: string): string {
  if (!CASE_ID.test(caseId) || (messageId !== undefined && !CASE_ID.test(messageId))) throw new Error('A case message carries a ULID case id (and message id)');
  return JSON.stringify((messageId === undefined ? { caseId } : { caseId, messageId }) satisfies CaseMessage);
}

/** Thrown for a body that is not a case message: such a message can never succeed. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

export function parseCaseMessage(body: string): CaseMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('The message body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MalformedMessageError('The message body is not an object');
  const { caseId, messageId, ...rest } = parsed as Record<string, unknown>;
  if (typeof caseId !== 'string' || !CASE_ID.test(caseId) || Object.keys(rest).length > 0) {
    throw new MalformedMessageError('The message body is not {"caseId": "<ULID>"}');
  }
  if (messageId === undefined) return { caseId };
  if (typeof messageId !== 'string' || !CASE_ID.test(messageId)) throw new MalformedMessageError('The message body names no ULID message id');
  return { caseId, messageId };
}
