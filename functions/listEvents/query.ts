import { unknownKeys } from '#lib/http/fields.ts';
import { pageCursorOf, pageLimitOf } from '#lib/http/pageQuery.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The query of `GET /cases/{caseId}/events`, parsed as `listEventsQuery` (functions/lib/api/schemas.ts,
 * from which the OpenAPI document is generated) parses it, answering the same 400 with the same
 * errors, without loading zod at cold start. test/unit/api/listQueries.test.ts holds the two to agreeing.
 */
export interface EventsQuery {
  limit?: number;
  cursor?: string;
}

export function eventsQueryOf(query: Record<string, string | undefined>): EventsQuery {
  const issues: RequestIssue[] = [];
  const limit = pageLimitOf(query.limit, 500, issues);
  const cursor = pageCursorOf(query.cursor, issues);
  unknownKeys(query, ['limit', 'cursor'], issues);
  if (issues.length > 0) throw malformedRequest('query', issues);
  return { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) };
}
