import { DATA_POINTER_PATTERN, FILE_NAME_PATTERN, plainObject, SHA256_BASE64_PATTERN } from '#lib/api/patterns.ts';
import { intOf, stringOf, unknownKeys } from '#lib/http/fields.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The body of an upload ticket request, parsed as `attachmentTicketRequest` (a form's file,
 * `POST /forms/{formId}/attachments`) and `messageTicketRequest` (a message's or a reply's file,
 * the same without `field`) in functions/lib/api/schemas.ts parse it, answering the same 400 with
 * the same errors, without loading zod at cold start. Type and size are checked against the field
 * or the message's limits afterwards (422). test/unit/api/ticketRequests.test.ts holds the parsers
 * to their zod shapes.
 */

/** A file about to be uploaded: what its ticket records (the name sealed) and its PUT fixes. */
export interface FileTicketRequest {
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/** A form's file: also where in the form's data its attachment id will stand. */
export interface AttachmentTicketRequest extends FileTicketRequest {
  field: string;
}

const FILE_KEYS = ['fileName', 'mediaType', 'size', 'sha256'] as const;

// The file's fields in the shape's order, after `field` where the shape has it.
function fileOf(body: Record<string, unknown>, issues: RequestIssue[]): Partial<FileTicketRequest> {
  return {
    fileName: stringOf(['fileName'], body.fileName, { min: 1, max: 255, pattern: FILE_NAME_PATTERN }, issues),
    mediaType: stringOf(['mediaType'], body.mediaType, { min: 1, max: 100 }, issues),
    size: intOf(['size'], body.size, 1, Number.MAX_SAFE_INTEGER, issues),
    sha256: stringOf(['sha256'], body.sha256, { pattern: SHA256_BASE64_PATTERN }, issues),
  };
}

function objectOf(body: unknown): Record<string, unknown> {
  if (!plainObject(body)) throw malformedRequest('body', [{ path: [], keyword: 'invalid_type' }]);
  return body;
}

/** `attachmentTicketRequest`: `field`, then the file. */
export function attachmentTicketRequestOf(input: unknown): AttachmentTicketRequest {
  const body = objectOf(input);
  const issues: RequestIssue[] = [];
  const field = stringOf(['field'], body.field, { max: 500, pattern: DATA_POINTER_PATTERN }, issues);
  const file = fileOf(body, issues);
  unknownKeys(body, ['field', ...FILE_KEYS], issues);
  if (issues.length > 0) throw malformedRequest('body', issues);
  return { field, ...file } as AttachmentTicketRequest;
}

/** `messageTicketRequest`: the file alone. */
export function messageTicketRequestOf(input: unknown): FileTicketRequest {
  const body = objectOf(input);
  const issues: RequestIssue[] = [];
  const file = fileOf(body, issues);
  unknownKeys(body, FILE_KEYS, issues);
  if (issues.length > 0) throw malformedRequest('body', issues);
  return file as FileTicketRequest;
}
