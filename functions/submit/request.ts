import { plainObject } from '#lib/api/patterns.ts';
import { intOf, unknownKeys } from '#lib/http/fields.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The headers and body of `POST /forms/{formId}/submissions`, parsed as `submissionHeaders` and
 * `submissionRequest` (functions/lib/api/schemas.ts, from which the OpenAPI document is generated)
 * parse them, answering the same 400 with the same errors, without loading zod at cold start (zod
 * and the API shapes are a third of submit's init). test/unit/api/submissionRequest.test.ts holds
 * the two to agreeing.
 */
export interface Submission {
  idempotencyKey?: string;
  /** The very object JSON.parse made: the form's schema judges it. */
  data: Record<string, unknown>;
  formVersion?: number;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const MAX_FORM_VERSION = 1_000_000;

export function submissionOf(headers: Record<string, unknown>, body: unknown): Submission {
  const key = headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
    throw malformedRequest('header', [{ path: ['idempotency-key'], keyword: typeof key === 'string' ? 'invalid_format' : 'invalid_type' }]);
  }
  if (!plainObject(body)) throw malformedRequest('body', [{ path: [], keyword: 'invalid_type' }]);
  const issues: RequestIssue[] = [];
  if (!plainObject(body.data)) issues.push({ path: ['data'], keyword: 'custom' });
  if (body.formVersion !== undefined) intOf(['formVersion'], body.formVersion, 1, MAX_FORM_VERSION, issues);
  unknownKeys(body, ['data', 'formVersion'], issues);
  if (issues.length > 0) throw malformedRequest('body', issues);
  return {
    ...(key === undefined ? {} : { idempotencyKey: key }),
    data: body.data as Record<string, unknown>,
    ...(body.formVersion === undefined ? {} : { formVersion: body.formVersion as number }),
  };
}
