/**
 * How the two front ends (the clerks' console and the citizens' portal) turn a form's JSON Schema
 * and its values into words a person reads: the label of a choice instead of its internal value
 * (`enum`, or `oneOf`/`anyOf` of `const` + `title`), dates in the reader's format instead of ISO,
 * and `$ref`s resolved. Pure functions without DOM or framework, so both apps and the unit tests
 * share them.
 */
import { timeParts } from './formats.ts';

export type Schema = Record<string, unknown>;
export type Language = 'de' | 'en';

export const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A local `$ref` (`#/$defs/...`) followed to its target, the referring node's siblings kept. */
export function resolveRef(root: Schema, node: unknown): Schema {
  let current: Schema = isSchema(node) ? node : {};
  for (let depth = 0; depth < 16 && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); depth++) {
    let target: unknown = root;
    for (const token of current.$ref.slice(2).split('/')) target = isSchema(target) ? target[token.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    const { $ref: _ref, ...siblings } = current;
    current = { ...(isSchema(target) ? target : {}), ...siblings };
  }
  return current;
}

/** `familyName` → `Family name`. */
export function spelledOut(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A property's label: its `title` (German, as the forms define it); in English its `x-title-en`,
 * or else the property's own name spelled out.
 */
export function fieldLabel(name: string, schema: Schema, language: Language): string {
  if (language === 'en') return typeof schema['x-title-en'] === 'string' ? schema['x-title-en'] : spelledOut(name);
  return typeof schema.title === 'string' ? schema.title : spelledOut(name);
}

export interface Choice {
  readonly value: string | number | boolean;
  /** The label a person reads: the option's `title` in German (`x-title-en` in English where the form gives one). */
  readonly label: string;
}

const isScalar = (value: unknown): value is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof value);

function titleOf(option: Schema, language: Language): string | undefined {
  if (language === 'en' && typeof option['x-title-en'] === 'string') return option['x-title-en'];
  return typeof option.title === 'string' ? option.title : undefined;
}

/**
 * The choices a property offers, in the form's order: `oneOf` (or `anyOf`) options that each fix
 * one value with `const` and name it with `title`, or a plain `enum` (labelled by its values).
 * `undefined` where the property is no choice.
 */
export function choicesOf(schema: Schema, language: Language = 'de'): Choice[] | undefined {
  for (const keyword of ['oneOf', 'anyOf']) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0 && options.every((option) => isSchema(option) && isScalar(option.const))) {
      return (options as Schema[]).map((option) => ({
        value: option.const as Choice['value'],
        label: titleOf(option, language) ?? String(option.const),
      }));
    }
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(isScalar)) {
    return (schema.enum as Choice['value'][]).map((value) => ({ value, label: String(value) }));
  }
  return undefined;
}

/** The label of a chosen value; the value itself where the schema names no label for it. */
export function choiceLabel(schema: Schema, value: unknown, language: Language = 'de'): string | undefined {
  return choicesOf(schema, language)?.find((choice) => choice.value === value)?.label;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A calendar date (`format: date`, `YYYY-MM-DD`) as a reader writes it: `17.04.1988` in German,
 * `17 April 1988` in English. Read from its digits, never through `Date`, so no time zone can
 * move it by a day. Anything that is no such date comes back unchanged.
 */
export function formatDate(value: string, language: Language = 'de'): string {
  const match = DATE.exec(value);
  if (!match) return value;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  const monthIndex = Number(month) - 1;
  if (monthIndex < 0 || monthIndex > 11) return value;
  return language === 'en' ? `${Number(day)} ${MONTHS_EN[monthIndex]} ${year}` : `${day}.${month}.${year}`;
}

/** A point in time (RFC 3339) in the reader's time zone: `17.04.2026, 13:35` / `17 April 2026, 13:35`. */
export function formatDateTime(value: string, language: Language = 'de', timeZone?: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  const { year, month, day, hour, minute } = timeParts(time, timeZone);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${formatDate(`${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`, language)}, ${two(hour)}:${two(minute)}`;
}

/**
 * A value of the data as text: the label of a choice, a date in the reader's format, yes/no for
 * booleans (the caller's words), the value itself otherwise.
 */
export function valueText(schema: Schema, value: unknown, language: Language, words: { yes: string; no: string; empty: string }): string {
  if (value === null || value === undefined || value === '') return words.empty;
  const label = choiceLabel(schema, value, language);
  if (label !== undefined) return label;
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'string' && schema.format === 'date') return formatDate(value, language);
  if (typeof value === 'string' && schema.format === 'date-time') return formatDateTime(value, language);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
