import { plainObject } from '#lib/api/patterns.ts';
import { CASE_STATUSES, type CaseStatus } from '#lib/cases/model.ts';
import { oneOf, optional, stringOf, unknownKeys } from '#lib/http/fields.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The body of `PATCH /cases/{caseId}`, parsed as `updateCaseRequest` (functions/lib/api/schemas.ts,
 * from which the OpenAPI document is generated) parses it, answering the same 400 with the same
 * errors, without loading zod at cold start; its `If-Match` is read by functions/lib/http/ifMatch.ts.
 * test/unit/api/updateCaseRequest.test.ts holds the two to agreeing.
 */
export interface CaseChange {
  status?: CaseStatus;
  /** Trimmed, as zod's `trim()` trims (String.prototype.trim). */
  note?: string;
}

export function caseChangeOf(body: unknown): CaseChange {
  if (!plainObject(body)) throw malformedRequest('body', [{ path: [], keyword: 'invalid_type' }]);
  const issues: RequestIssue[] = [];
  const status = optional(body.status, (value) => oneOf(['status'], value, CASE_STATUSES, issues));
  const note = optional(body.note, (value) => stringOf(['note'], value, { trim: true, min: 1 }, issues));
  unknownKeys(body, ['status', 'note'], issues);
  if (issues.length > 0) throw malformedRequest('body', issues);
  return { ...(status === undefined ? {} : { status }), ...(note === undefined ? {} : { note }) };
}
