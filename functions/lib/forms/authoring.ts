import type { ErrorObject } from 'ajv/dist/2020.js';
import { X_MESSAGE } from './messages.ts';

/**
 * What a form author reads when a definition is refused: the problem, where it is, and how to fix
 * it. The file name is added by the catalogue (FormDefinitionError).
 */

const escape = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');

/** One problem of a definition against form-definition.schema.json, with the value it expects. */
export function describeMetaSchemaError(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; allowedValue?: unknown; allowedValues?: unknown[] };
  let detail = '';
  if (params.additionalProperty !== undefined) detail = ` ("${params.additionalProperty}")`;
  else if (error.keyword === 'const') detail = `: expected ${JSON.stringify(params.allowedValue)}`;
  else if (error.keyword === 'enum') detail = `: expected one of ${(params.allowedValues ?? []).map((value) => JSON.stringify(value)).join(', ')}`;
  return `definition${error.instancePath} ${error.message ?? `fails "${error.keyword}"`}${detail}`;
}

const FIXES: [RegExp, (match: RegExpExecArray) => string][] = [
  [
    /required property "([^"]*)" is not defined at "([^"]*)"/,
    ([, name = '']) =>
      `declare "${name}" in "properties" of the same (sub)schema. In a "then" (or "else") that only adds a requirement, ` +
      `declare it with true: "then": { "required": ["${name}"], "properties": { "${name}": true } }`,
  ],
  [
    /unknown keyword: "([^"]*)"/,
    ([, keyword = '']) =>
      `"${keyword}" is no JSON Schema keyword: check its spelling (keywords are case-sensitive, e.g. maxLength); ` +
      'put hints for portals into "title" and "description" (docs/forms.md, "The schema: what is supported")',
  ],
  [
    /unknown format "([^"]*)"/,
    ([, format = '']) =>
      `"${format}" is no supported format: use one listed in docs/forms.md (date, email, uri, ...) or a "pattern" with a "maxLength"`,
  ],
  [/missing type "([^"]*)" for keyword "([^"]*)"/, ([, type = '', keyword = '']) => `"${keyword}" applies to "type": "${type}" only: declare that type, or remove "${keyword}"`],
];

/** Ajv's reason for refusing a form schema, in the form author's terms, with how to fix it. */
export function explainSchemaProblem(message: string): string {
  const text = message.replace(/^schema is invalid: /, 'not a valid draft 2020-12 JSON Schema: ').replaceAll(/\bdata(?=[/ ])/g, '/schema');
  for (const [pattern, fix] of FIXES) {
    const match = pattern.exec(text);
    if (match) return `${text}. Fix: ${fix(match)}`;
  }
  return text;
}

/** Keywords whose values are data, not schemas. */
const DATA = new Set(['examples', 'enum', 'const', 'default']);
/** Keywords whose keys are names (of properties, definitions), each naming a schema. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

const isText = (value: unknown): boolean => typeof value === 'string' && value.length <= 500 && /\S/.test(value);

/**
 * The first malformed `x-message` in a schema, described with its pointer and the expected shape.
 * (Ajv checks the same with the keyword's meta-schema, but names no expected shape.)
 */
export function xMessageProblem(node: unknown, pointer = '/schema', namesOnly = false): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  for (const [key, value] of Object.entries(node)) {
    const at = `${pointer}/${escape(key)}`;
    if (!namesOnly && DATA.has(key)) continue;
    if (key === X_MESSAGE && !namesOnly && !Array.isArray(node)) {
      const ok =
        typeof value === 'object' && value !== null && !Array.isArray(value) &&
        Object.keys(value).every((language) => language === 'de' || language === 'en') &&
        isText((value as Record<string, unknown>).de) && isText((value as Record<string, unknown>).en);
      if (!ok) return `"${X_MESSAGE}" at ${at} must be { "de": "...", "en": "..." }: both texts, 1 to 500 characters, not blank, nothing else`;
      continue;
    }
    const inner = xMessageProblem(value, at, !namesOnly && NAME_MAPS.has(key));
    if (inner !== undefined) return inner;
  }
  return undefined;
}
