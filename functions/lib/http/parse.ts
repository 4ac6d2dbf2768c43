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
  const errors = result.error.issues.slice(0, 20).map((issue) => ({
    pointer: where === 'body' ? pointerOf(issue.path) : undefined,
    parameter: where === 'query' ? String(issue.path[0] ?? '') : undefined,
    header: where === 'header' ? String(issue.path[0] ?? '') : undefined,
    keyword: issue.code,
  }));
  throw new ProblemError('malformed-request', { detail: DETAILS[where], errors });
}
