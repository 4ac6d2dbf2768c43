import { optional, oneOf, slugOf, stringOf, unknownKeys } from '#lib/http/fields.ts';
import { malformedRequest, type RequestIssue } from '#lib/http/parse.ts';

/**
 * The query of `GET /cases/export`, parsed as `exportCasesQuery` (functions/lib/api/schemas.ts,
 * from which the OpenAPI document is generated) parses it, answering the same 400 with the same
 * errors, without loading zod at cold start. test/unit/api/exportQuery.test.ts holds the two to agreeing.
 */
export interface ExportQuery {
  office?: string;
  formId: string;
  /** RFC 3339 in UTC with milliseconds (`toISOString`), inclusive. */
  from?: string;
  /** The same, exclusive; after `from`. */
  to?: string;
  format?: 'csv' | 'json';
}

// zod's `z.iso.datetime({ offset: true })`: a calendar date (leap years included), seconds, any
// fraction, `Z` or an offset; and `z.iso.datetime({ precision: 3 })`, what the bound becomes.
const DATE = '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))';
const HH_MM = '(?:[01]\\d|2[0-3]):[0-5]\\d';
const RFC3339 = new RegExp(`^${DATE}T${HH_MM}:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-]${HH_MM})$`);
const UTC_MILLIS = new RegExp(`^${DATE}T${HH_MM}:[0-5]\\d\\.\\d{3}Z$`);

type Issues = RequestIssue[];

/**
 * A bound: RFC 3339 with any offset and precision, then the same instant in UTC with milliseconds,
 * which must itself be one (a year the offset moves out of 0000-9999 is not). The value zod would
 * keep is kept even with an issue: the order check of `to` compares it.
 */
function boundOf(name: 'from' | 'to', value: unknown, issues: Issues): unknown {
  const text = stringOf([name], value, {}, issues);
  if (text === undefined) return value;
  if (!RFC3339.test(text)) {
    issues.push({ path: [name], keyword: 'invalid_format' });
    return text;
  }
  const utc = new Date(text).toISOString();
  if (!UTC_MILLIS.test(utc)) issues.push({ path: [name], keyword: 'invalid_format' });
  return utc;
}

// Only an issue that zod lets the object's own check run after: a wrong format or an unknown key,
// not a wrong type or value.
const LETS_REFINE_RUN = new Set(['invalid_format', 'unrecognized_keys']);

export function exportQueryOf(query: Record<string, unknown>): ExportQuery {
  const issues: Issues = [];
  const office = optional(query.office, (value) => slugOf('office', value, issues));
  const formId = slugOf('formId', query.formId, issues);
  const from = optional(query.from, (value) => boundOf('from', value, issues));
  const to = optional(query.to, (value) => boundOf('to', value, issues));
  const format = optional(query.format, (value) => oneOf(['format'], value, ['csv', 'json'] as const, issues));
  unknownKeys(query, ['office', 'formId', 'from', 'to', 'format'], issues);
  if (issues.every((issue) => LETS_REFINE_RUN.has(issue.keyword)) && from !== undefined && to !== undefined && !((from as string) < (to as string))) {
    issues.push({ path: ['to'], keyword: 'custom' });
  }
  if (issues.length > 0) throw malformedRequest('query', issues);
  return {
    ...(office === undefined ? {} : { office }),
    formId: formId as string,
    ...(from === undefined ? {} : { from: from as string }),
    ...(to === undefined ? {} : { to: to as string }),
    ...(format === undefined ? {} : { format }),
  };
}
