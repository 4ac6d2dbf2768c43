import { plainObject } from '#lib/api/patterns.ts';
import { malformedRequest } from './parse.ts';

/**
 * The `If-Match` header (headers lower-cased) of the routes that change a case under optimistic
 * locking (`PATCH /cases/{caseId}`, `POST /cases/{caseId}/messages`), if the request has one:
 * parsed as `updateCaseHeaders` (functions/lib/api/schemas.ts) parses it, answering the same 400,
 * without loading zod at cold start (test/unit/api/updateCaseRequest.test.ts).
 */
export function ifMatchOf(headers: unknown): string | undefined {
  if (!plainObject(headers)) throw malformedRequest('header', [{ path: [], keyword: 'invalid_type' }]);
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined && typeof ifMatch !== 'string') throw malformedRequest('header', [{ path: ['if-match'], keyword: 'invalid_type' }]);
  return ifMatch;
}
