import type { z } from 'zod';
import { ProblemError } from './problem.ts';

/** Parses untrusted input at the edge; a mismatch is `400 malformed-request` naming the fields. */
export function parseRequest<T extends z.ZodType>(schema: T, input: unknown, where: 'body' | 'query'): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.slice(0, 20).map((issue) => ({
    pointer: where === 'body' ? `/${issue.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}` : undefined,
    parameter: where === 'query' ? String(issue.path[0] ?? '') : undefined,
    keyword: issue.code,
  }));
  throw new ProblemError('malformed-request', {
    detail: {
      de: where === 'body' ? 'Der Inhalt hat nicht die erwartete Form.' : 'Ein Abfrageparameter ist ungültig.',
      en: where === 'body' ? 'The body does not have the expected shape.' : 'A query parameter is invalid.',
    },
    errors,
  });
}
