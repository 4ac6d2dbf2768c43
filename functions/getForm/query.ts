import { ProblemError } from '#lib/http/problem.ts';

/**
 * The query of `GET /forms/{formId}`, parsed as `formVersionQuery` (functions/lib/api/schemas.ts,
 * from which the OpenAPI document is generated) parses it, answering the same 400 with the same
 * errors, without loading zod at cold start. test/unit/api/formVersionQuery.test.ts holds the two to agreeing.
 */
const VERSION = /^[1-9][0-9]{0,5}$/;

export function formVersionOf(query: Record<string, string | undefined>): number | undefined {
  const errors: { parameter: string; keyword: string }[] = [];
  const version = query.version;
  if (version !== undefined && (typeof version !== 'string' || !VERSION.test(version))) {
    errors.push({ parameter: 'version', keyword: typeof version === 'string' ? 'invalid_format' : 'invalid_type' });
  }
  if (Object.keys(query).some((key) => key !== 'version')) errors.push({ parameter: '', keyword: 'unrecognized_keys' });
  if (errors.length > 0) {
    throw new ProblemError('malformed-request', {
      detail: { de: 'Ein Abfrageparameter ist ungültig.', en: 'A query parameter is invalid.' },
      errors: errors.map(({ parameter, keyword }) => ({ pointer: undefined, parameter, header: undefined, keyword })),
    });
  }
  return version === undefined ? undefined : Number(version);
}
