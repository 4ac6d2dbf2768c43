import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The query of `GET /forms/{formId}`, parsed as `formVersionQuery` (functions/lib/api/schemas.ts,
 * from which the OpenAPI document is generated) parses it, answering the same 400 with the same
 * errors, without loading zod at cold start. test/unit/api/formVersionQuery.test.ts holds the two to agreeing.
 */
const VERSION = /^[1-9][0-9]{0,5}$/;

export function formVersionOf(query: Record<string, string | undefined>): number | undefined {
  const issues: RequestIssue[] = [];
  const version = query.version;
  if (version !== undefined && (typeof version !== 'string' || !VERSION.test(version))) {
    issues.push({ path: ['version'], keyword: typeof version === 'string' ? 'invalid_format' : 'invalid_type' });
  }
  if (Object.keys(query).some((key) => key !== 'version')) issues.push({ path: [], keyword: 'unrecognized_keys' });
  if (issues.length > 0) throw malformedRequest('query', issues);
  return version === undefined ? undefined : Number(version);
}
