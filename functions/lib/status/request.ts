import { REFERENCE_PATTERN } from '#lib/cases/reference.ts';
import { plainObject } from '#lib/api/patterns.ts';
import { stringOf } from '#lib/http/fields.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * What every citizen route under `/status/{reference}` reads from its request, parsed as
 * `statusHeaders` and `reference` (functions/lib/api/schemas.ts, from which the OpenAPI document is
 * generated) parse it, answering the same 400 with the same errors, without loading zod at cold
 * start. test/unit/api/statusRequest.test.ts holds the two to agreeing.
 */

const MAX_TOKEN_CHARS = 256;
const MAX_REFERENCE_CHARS = 24;

/** The `Status-Token` header (headers lower-cased): 1 to 256 characters, or `400 malformed-request` naming it. */
export function statusTokenOf(headers: unknown): string {
  if (!plainObject(headers)) throw malformedRequest('header', [{ path: [], keyword: 'invalid_type' }]);
  const issues: RequestIssue[] = [];
  const token = stringOf(['status-token'], headers['status-token'], { min: 1, max: MAX_TOKEN_CHARS }, issues);
  if (token === undefined) throw malformedRequest('header', issues);
  return token;
}

/** The path's reference if it has a reference's shape; a malformed one can name no case. */
export function referenceOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_REFERENCE_CHARS && REFERENCE_PATTERN.test(value) ? value : undefined;
}
