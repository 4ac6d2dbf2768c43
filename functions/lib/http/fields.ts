import { SLUG_PATTERN } from '#lib/api/patterns.ts';
import type { RequestIssue } from './parse.ts';

/**
 * Single fields of a request checked by hand as zod's string, int and enum shapes check them
 * (functions/lib/api/schemas.ts), with the same issues in the same order: the pieces of the hand
 * parsers that keep zod off a route's cold start. Each route's parser has a property test that
 * holds it to its zod shape. A field's issues are pushed onto `issues`; the value comes back when
 * the field has none.
 */

export type IssuePath = RequestIssue['path'];

export interface StringRules {
  /** Trimmed first (zod's `trim()`, String.prototype.trim), then measured. */
  readonly trim?: boolean;
  /** Bounds in Unicode code points, as zod counts a string's length. */
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

/** `z.string()` with `trim()`, `min()`, `max()` and `regex()`, chained in that order. */
export function stringOf(path: IssuePath, value: unknown, rules: StringRules, issues: RequestIssue[]): string | undefined {
  const before = issues.length;
  if (typeof value !== 'string') return wrongType(path, value, rules, issues);
  const text = rules.trim ? value.trim() : value;
  lengthIssues(path, codePoints(text), rules, issues);
  if (rules.pattern && !rules.pattern.test(text)) issues.push({ path, keyword: 'invalid_format' });
  return issues.length === before ? text : undefined;
}

// zod's length checks still look at a `length` a value of the wrong type has (`[]`, `{ "length": 0 }`,
// a string where an array belongs, counted in code points); its other checks (trim, pattern) do not.
function wrongType(path: IssuePath, value: unknown, rules: Pick<StringRules, 'min' | 'max'>, issues: RequestIssue[]): undefined {
  issues.push({ path, keyword: 'invalid_type' });
  const length = typeof value === 'string' ? codePoints(value) : value === null || value === undefined ? undefined : (value as { length?: unknown }).length;
  if (length !== undefined) lengthIssues(path, length as number, rules, issues);
  return undefined;
}

// `!(length >= min)`, not `length < min`: a non-string's `length` may be anything JSON holds, and
// zod's check is the former.
function lengthIssues(path: IssuePath, length: number, rules: Pick<StringRules, 'min' | 'max'>, issues: RequestIssue[]): void {
  if (rules.min !== undefined && !(length >= rules.min)) issues.push({ path, keyword: 'too_small' });
  if (rules.max !== undefined && !(length <= rules.max)) issues.push({ path, keyword: 'too_big' });
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** `z.int().min(min).max(max)`: a JSON number that is a safe integer in range. */
export function intOf(path: IssuePath, value: unknown, min: number, max: number, issues: RequestIssue[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return void issues.push({ path, keyword: 'invalid_type' });
  const before = issues.length;
  // z.int() refuses integers outside the safe range first, then min and max check the number again.
  if (!Number.isSafeInteger(value)) issues.push({ path, keyword: value > 0 ? 'too_big' : 'too_small' });
  if (value < min) issues.push({ path, keyword: 'too_small' });
  if (value > max) issues.push({ path, keyword: 'too_big' });
  return issues.length === before ? value : undefined;
}

/** `z.array(element).max(max)`: too many elements is the one issue (zod looks at none of them), else each element's at its index. */
export function arrayOf<T>(path: IssuePath, value: unknown, max: number, element: (path: IssuePath, value: unknown) => T | undefined, issues: RequestIssue[]): T[] | undefined {
  if (!Array.isArray(value)) return wrongType(path, value, { max }, issues);
  if (value.length > max) return void issues.push({ path, keyword: 'too_big' });
  const before = issues.length;
  const items = value.map((item: unknown, index) => element([...path, index], item));
  return issues.length === before ? (items as T[]) : undefined;
}

/** `z.enum(values)`: one of the values, or `invalid_value` (also when the field is missing). */
export function oneOf<T extends string>(path: IssuePath, value: unknown, values: readonly T[], issues: RequestIssue[]): T | undefined {
  if ((values as readonly unknown[]).includes(value)) return value as T;
  return void issues.push({ path, keyword: 'invalid_value' });
}

/** An office or form id (`office`, `formId`): a string matching SLUG_PATTERN. */
export function slugOf(name: string, value: unknown, issues: RequestIssue[]): string | undefined {
  return stringOf([name], value, { pattern: SLUG_PATTERN }, issues);
}

/** A field zod's `.optional()` lets be absent: checked only when it is there. */
export function optional<T>(value: unknown, check: (value: unknown) => T | undefined): T | undefined {
  return value === undefined ? undefined : check(value);
}

/** A strict object's unknown keys: one issue for all of them, after the fields' own. */
export function unknownKeys(body: Record<string, unknown>, known: readonly string[], issues: RequestIssue[]): void {
  if (Object.keys(body).some((key) => !known.includes(key))) issues.push({ path: [], keyword: 'unrecognized_keys' });
}
