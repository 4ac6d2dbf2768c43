import { plainObject } from '#lib/api/patterns.ts';
import { CASE_STATUSES, type CaseStatus } from '#lib/cases/model.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The body and `If-Match` of `PATCH /cases/{caseId}`, parsed as `updateCaseRequest` and
 * `updateCaseHeaders` (functions/lib/api/schemas.ts, from which the OpenAPI document is generated)
 * parse them, answering the same 400 with the same errors, without loading zod at cold start.
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
  const change: CaseChange = {};
  if (body.status !== undefined) {
    if ((CASE_STATUSES as readonly unknown[]).includes(body.status)) change.status = body.status as CaseStatus;
    else issues.push({ path: ['status'], keyword: 'invalid_value' });
  }
  if (body.note !== undefined) {
    if (typeof body.note !== 'string') {
      issues.push({ path: ['note'], keyword: 'invalid_type' });
      // zod's min(1) still looks at a `length` the value has: `[]` is also too_small.
      const length = body.note === null ? undefined : (body.note as { length?: unknown }).length;
      if (length !== undefined && !((length as number) >= 1)) issues.push({ path: ['note'], keyword: 'too_small' });
    } else if (body.note.trim().length < 1) issues.push({ path: ['note'], keyword: 'too_small' });
    else change.note = body.note.trim();
  }
  if (Object.keys(body).some((name) => name !== 'status' && name !== 'note')) issues.push({ path: [], keyword: 'unrecognized_keys' });
  if (issues.length > 0) throw malformedRequest('body', issues);
  return change;
}

/** The `If-Match` header (headers lower-cased), if the request has one. */
export function ifMatchOf(headers: unknown): string | undefined {
  if (!plainObject(headers)) throw malformedRequest('header', [{ path: [], keyword: 'invalid_type' }]);
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined && typeof ifMatch !== 'string') throw malformedRequest('header', [{ path: ['if-match'], keyword: 'invalid_type' }]);
  return ifMatch;
}
