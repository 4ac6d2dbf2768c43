import type { RequestIssue } from './parse.ts';

/**
 * The fields of a request body checked as zod 4 checks them, with the same issues in the same
 * order: for the hand parsers that keep zod off a route's cold start (each held to its zod shape
 * in functions/lib/api/schemas.ts by a property test). zod's quirks are kept on purpose: a string's
 * length counts code points, and the length checks look at a `length` any value has, even after
 * its type was refused (`[]` for a string is also `too_small`).
 */

type Path = readonly PropertyKey[];

export interface LengthRule {
  readonly min?: number;
  readonly max?: number;
}

export interface StringRule extends LengthRule {
  /** `.trim()` before the other checks. */
  readonly trim?: true;
  /** `.regex(pattern)`, after min and max. */
  readonly pattern?: RegExp;
}

/** zod's `.min()` and `.max()`: on a string its code points, on anything else the `length` it has, if any. */
function lengthIssues(value: unknown, path: Path, rule: LengthRule, issues: RequestIssue[]): void {
  if (value === null || value === undefined) return;
  const length = typeof value === 'string' ? [...value].length : (value as { length?: unknown }).length;
  if (length === undefined) return;
  if (rule.min !== undefined && !((length as number) >= rule.min)) issues.push({ path, keyword: 'too_small' });
  if (rule.max !== undefined && !((length as number) <= rule.max)) issues.push({ path, keyword: 'too_big' });
}

/** `z.string()` with `.trim()`, `.min()`, `.max()` and `.regex()` in that order: the (trimmed) string, or undefined with its issues. */
export function stringField(value: unknown, path: Path, rule: StringRule, issues: RequestIssue[]): string | undefined {
  const before = issues.length;
  const text = typeof value !== 'string' ? undefined : rule.trim ? value.trim() : value;
  if (text === undefined) issues.push({ path, keyword: 'invalid_type' });
  lengthIssues(text ?? value, path, rule, issues);
  if (text !== undefined && rule.pattern && !rule.pattern.test(text)) issues.push({ path, keyword: 'invalid_format' });
  return issues.length === before ? text : undefined;
}

/** `z.int().min(min).max(max)`: zod's own safe-integer bounds come with issues of their own. */
export function intField(value: unknown, path: Path, min: number, max: number, issues: RequestIssue[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return void issues.push({ path, keyword: 'invalid_type' });
  const before = issues.length;
  if (value < Number.MIN_SAFE_INTEGER) issues.push({ path, keyword: 'too_small' });
  if (value < min) issues.push({ path, keyword: 'too_small' });
  if (value > Number.MAX_SAFE_INTEGER) issues.push({ path, keyword: 'too_big' });
  if (value > max) issues.push({ path, keyword: 'too_big' });
  return issues.length === before ? value : undefined;
}

/**
 * `z.array(element).max(max)`: each element's issues (at its index), then the array's own. An
 * array longer than `max` is refused as such, its elements unread (zod caps the work).
 */
export function arrayField<T>(
  value: unknown,
  path: Path,
  rule: LengthRule,
  element: (item: unknown, path: Path, issues: RequestIssue[]) => T | undefined,
  issues: RequestIssue[],
): T[] | undefined {
  if (Array.isArray(value) && rule.max !== undefined && value.length > rule.max) return void issues.push({ path, keyword: 'too_big' });
  const before = issues.length;
  if (!Array.isArray(value)) issues.push({ path, keyword: 'invalid_type' });
  const items = Array.isArray(value) ? value.map((item: unknown, index) => element(item, [...path, index], issues)) : [];
  lengthIssues(value, path, rule, issues);
  return issues.length === before ? (items as T[]) : undefined;
}
