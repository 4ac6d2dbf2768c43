import { SLUG_PATTERN } from '#lib/api/patterns.ts';
import { CASE_STATUSES, type CaseStatus } from '#lib/cases/model.ts';
import { pageCursorOf, pageLimitOf, unknownKeys } from '#lib/http/pageQuery.ts';
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

function slugOf(name: 'office' | 'formId', value: unknown, issues: RequestIssue[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return void issues.push({ path: [name], keyword: 'invalid_type' });
  if (!SLUG_PATTERN.test(value)) return void issues.push({ path: [name], keyword: 'invalid_format' });
  return value;
}

function statusOf(value: unknown, issues: RequestIssue[]): CaseStatus | undefined {
  if (value === undefined) return undefined;
  if (!(CASE_STATUSES as readonly unknown[]).includes(value)) return void issues.push({ path: ['status'], keyword: 'invalid_value' });
  return value as CaseStatus;
}

export function casesQueryOf(query: Record<string, string | undefined>): CasesQuery {
  const issues: RequestIssue[] = [];
  const parsed: CasesQuery = {
    office: slugOf('office', query.office, issues),
    formId: slugOf('formId', query.formId, issues),
    status: statusOf(query.status, issues),
    limit: pageLimitOf(query.limit, 100, issues),
    cursor: pageCursorOf(query.cursor, issues),
  };
  unknownKeys(query, ['office', 'formId', 'status', 'limit', 'cursor'], issues);
  if (issues.length > 0) throw malformedRequest('query', issues);
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)) as CasesQuery;
}
