import { CASE_STATUSES, type CaseStatus } from '#lib/cases/model.ts';
import { oneOf, optional, slugOf, unknownKeys } from '#lib/http/fields.ts';
import { pageCursorOf, pageLimitOf } from '#lib/http/pageQuery.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The query of `GET /cases`, parsed as `listCasesQuery` (functions/lib/api/schemas.ts, from which
 * the OpenAPI document is generated) parses it, answering the same 400 with the same errors,
 * without loading zod at cold start. test/unit/api/listQueries.test.ts holds the two to agreeing.
 */
export interface CasesQuery {
  office?: string;
  formId?: string;
  status?: CaseStatus;
  limit?: number;
  cursor?: string;
}

export function casesQueryOf(query: Record<string, string | undefined>): CasesQuery {
  const issues: RequestIssue[] = [];
  const parsed: CasesQuery = {
    office: optional(query.office, (value) => slugOf('office', value, issues)),
    formId: optional(query.formId, (value) => slugOf('formId', value, issues)),
    status: optional(query.status, (value) => oneOf(['status'], value, CASE_STATUSES, issues)),
    limit: pageLimitOf(query.limit, 100, issues),
    cursor: pageCursorOf(query.cursor, issues),
  };
  unknownKeys(query, ['office', 'formId', 'status', 'limit', 'cursor'], issues);
  if (issues.length > 0) throw malformedRequest('query', issues);
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)) as CasesQuery;
}
