import { optional, stringOf } from './fields.ts';
import type { RequestIssue } from './parse.ts';

/**
 * The paging parameters of a list's query (`limit`, `cursor`), checked as their zod shapes in
 * functions/lib/api/schemas.ts (`pageLimit`, the cursor string) check them, with the same issues:
 * for the hand parsers of the list routes, which keep zod off their cold start. Each route's parser
 * has a property test that holds it to its zod shape.
 */

const LIMIT = /^[0-9]{1,3}$/;
const MAX_CURSOR_CHARS = 1000;

/** `limit`: a decimal of 1 to `max` (zod: a string matching 1-3 digits, piped into an int in range). */
export function pageLimitOf(value: unknown, max: number, issues: RequestIssue[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return void issues.push({ path: ['limit'], keyword: 'invalid_type' });
  if (!LIMIT.test(value)) return void issues.push({ path: ['limit'], keyword: 'invalid_format' });
  const limit = Number(value);
  if (limit < 1) return void issues.push({ path: ['limit'], keyword: 'too_small' });
  if (limit > max) return void issues.push({ path: ['limit'], keyword: 'too_big' });
  return limit;
}

/** `cursor`: 1 to 1000 characters, counted as zod counts them (its content is checked when it is read, functions/lib/cases/cursor.ts). */
export function pageCursorOf(value: unknown, issues: RequestIssue[]): string | undefined {
  return optional(value, (cursor) => stringOf(['cursor'], cursor, { min: 1, max: MAX_CURSOR_CHARS }, issues));
}
