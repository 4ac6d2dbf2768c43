import type { z } from 'zod';
import { ProblemError } from './problem.ts';

export type RequestPart = 'body' | 'query' | 'header';

const DETAILS: Record<RequestPart, { de: string; en: string }> = {
  body: { de: 'Der Inhalt hat nicht die erwartete Form.', en: 'The body does not have the expected shape.' },
  query: { de: 'Ein Abfrageparameter ist ungültig.', en: 'A query parameter is invalid.' },
  header: { de: 'Ein Header ist ungültig.', en: 'A header is invalid.' },
};

const pointerOf = (path: readonly PropertyKey[]): string => `/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

/**
 * Parses untrusted input at the edge with the zod shape the OpenAPI document is generated from; a
 * mismatch is `400 malformed-request` naming the fields (a body pointer, a query parameter or a
 * header name).
 */
export function parseRequest<T extends z.ZodType>(schema: T, input: unknown, where: RequestPart): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw malformedRequest(where, result.error.issues.map((issue) => ({ path: issue.path, keyword: issue.code })));
}

/** One reason an input was refused: where in it (zod's issue path) and zod's issue code. */
export interface RequestIssue {
  readonly path: readonly PropertyKey[];
  readonly keyword: string;
}

/**
 * The `400 malformed-request` of parseRequest for these issues (at most 20): for parsers written
 * by hand where zod would cost a cold start, held to answering exactly as their zod shape.
 */
export function malformedRequest(where: RequestPart, issues: readonly RequestIssue[]): ProblemError {
  const errors = issues.slice(0, 20).map((issue) => ({
    pointer: where === 'body' ? pointerOf(issue.path) : undefined,
    parameter: where === 'query' ? String(issue.path[0] ?? '') : undefined,
    header: where === 'header' ? String(issue.path[0] ?? '') : undefined,
    keyword: issue.keyword,
  }));
  return new ProblemError('malformed-request', { detail: DETAILS[where], errors });
}
