import type { ErrorObject } from 'ajv/dist/2020.js';
import type { FormDefinition } from './definition.ts';
import { citizenMessage, type Language } from './messages.ts';

export type { Language } from './messages.ts';

/**
 * What a form validator answers, whichever way its schema checks were made: compiled by Ajv at
 * run time (validation.ts: tests, forms:check) or generated as standalone code at build time
 * (standalone.ts, loaded by shipped.ts in Lambda and the local stack). No Ajv here.
 */

/** One failure of the form data, addressed by an RFC 6901 pointer into the request body. */
export interface ValidationIssue {
  pointer: string;
  keyword: string;
  message: string;
}

export interface FormValidator {
  /**
   * Every failure of `data` against the form's schema (at most MAX_ISSUES), with messages in
   * `language` (German by default); `[]` when valid. Never changes `data`.
   */
  validate(form: FormDefinition, data: unknown, language?: Language): ValidationIssue[];
}

/** The form data sits under `data` in the request body; pointers address the body. */
const DATA_POINTER = '/data';

/**
 * Structural limits checked before Ajv sees the data. With allErrors, Ajv keeps validating past the
 * first failure, so every array item and every extra key adds errors however far the data is over
 * the schema's bounds; these limits bound that work and its memory. Deep-equality checks (`const`,
 * `enum`, `uniqueItems`) recurse once per level. Both limits are far above what valid data of any
 * form reaches (the largest, wohngeld, holds at most about 1,000 values in 6 levels).
 */
export const MAX_DATA_DEPTH = 32;
export const MAX_DATA_VALUES = 5000;

/**
 * Bounds the answer: a portal shows a citizen the first hundred problems at most, and a smaller
 * answer leaves less to an attacker.
 */
export const MAX_ISSUES = 100;

type Messages = Record<Language, string>;

const TOO_DEEP: Messages = {
  de: `darf höchstens ${MAX_DATA_DEPTH} Ebenen tief verschachtelt sein`,
  en: `must not be nested more than ${MAX_DATA_DEPTH} levels deep`,
};

const TOO_LARGE: Messages = {
  de: `darf höchstens ${MAX_DATA_VALUES} Werte enthalten`,
  en: `must not contain more than ${MAX_DATA_VALUES} values`,
};

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The property an error is about, when Ajv reports it in params rather than in instancePath. */
function propertyOf(error: ErrorObject): string | undefined {
  const params = error.params as Record<string, unknown>;
  const named =
    error.keyword === 'required' || error.keyword === 'dependentRequired'
      ? params.missingProperty
      : error.keyword === 'additionalProperties'
        ? params.additionalProperty
        : error.keyword === 'unevaluatedProperties'
          ? params.unevaluatedProperty
          : error.keyword === 'propertyNames'
            ? params.propertyName
            : // errors from inside a propertyNames subschema concern the name itself
              error.propertyName;
  return typeof named === 'string' ? named : undefined;
}

function pointerOf(error: ErrorObject): string {
  // Ajv's instancePath is already an RFC 6901 pointer (tokens escaped) relative to the data.
  const property = propertyOf(error);
  const path = property === undefined ? error.instancePath : `${error.instancePath}/${escapePointerToken(property)}`;
  return DATA_POINTER + path;
}

/**
 * The first structural limit `data` breaks, if any. Iterative, so that measuring cannot overflow the
 * stack, and it stops as soon as a limit is passed.
 */
function structuralIssue(data: unknown, language: Language): ValidationIssue | undefined {
  const containers: { value: object; depth: number }[] = [];
  if (typeof data === 'object' && data !== null) containers.push({ value: data, depth: 0 });
  let values = 1;
  for (let item = containers.pop(); item !== undefined; item = containers.pop()) {
    const children = Object.values(item.value);
    values += children.length;
    if (values > MAX_DATA_VALUES) return { pointer: DATA_POINTER, keyword: 'maxValues', message: TOO_LARGE[language] };
    for (const child of children) {
      if (typeof child !== 'object' || child === null) continue;
      if (item.depth + 1 > MAX_DATA_DEPTH) {
        return { pointer: DATA_POINTER, keyword: 'maxDepth', message: TOO_DEEP[language] };
      }
      containers.push({ value: child, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/** A labelled choice: `oneOf`/`anyOf` whose options each fix one value with `const` (and name it with `title`). */
const isLabelledChoice = (error: ErrorObject): boolean =>
  (error.keyword === 'oneOf' || error.keyword === 'anyOf') &&
  Array.isArray(error.schema) &&
  error.schema.length > 0 &&
  error.schema.every((option: unknown) => typeof option === 'object' && option !== null && Object.hasOwn(option, 'const'));

/** Ajv's errors as the issues a citizen reads: pointers into the request body, messages in `language`. */
export function issuesOf(errors: readonly ErrorObject[], language: Language): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  // A value outside a labelled choice is one issue, worded as for an `enum`, not one per option.
  const choices = new Set(errors.filter(isLabelledChoice).map((error) => `${error.instancePath}\u0000${error.schemaPath}`));
  for (const error of errors) {
    // A failing if/then/else is reported by the errors of the branch that failed.
    if (error.keyword === 'if') continue;
    const option = /^(.*)\/\d+\/const$/.exec(error.schemaPath);
    if (error.keyword === 'const' && option && choices.has(`${error.instancePath}\u0000${option[1]}`)) continue;
    const message = isLabelledChoice(error) ? citizenMessage({ ...error, keyword: 'enum' }, language) : citizenMessage(error, language);
    const issue = { pointer: pointerOf(error), keyword: error.keyword, message };
    const key = `${issue.pointer}\u0000${issue.keyword}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    if (issues.length === MAX_ISSUES) break;
  }
  return issues;
}

/** A schema check as Ajv generates it: true when valid, otherwise its `errors` hold the failures. */
export interface SchemaCheck {
  (data: unknown): boolean;
  errors?: readonly ErrorObject[] | null;
}

/** What validating one form version takes. */
export interface FormChecks {
  /** Stops at the first failure: on hostile input its work ends where the data first leaves the schema. */
  firstError: SchemaCheck;
  /** Collects every failure (allErrors), for the answer; run only on data within the structural limits. */
  allErrors: SchemaCheck;
  /**
   * Every instance valid against the schema keeps within MAX_DATA_DEPTH and MAX_DATA_VALUES
   * (structure.ts proves it from the schema): then data that passes `firstError` needs no walk.
   */
  validWithinLimits: boolean;
}

/**
 * The validator over a way of finding a form version's checks. Valid data costs one pass of the
 * generated check (and, only for a schema whose valid instances are not provably within the
 * limits, the structural walk); invalid data is measured first, so that the all-errors pass never
 * sees data beyond the limits, exactly as when every request was measured first. The all-errors
 * check is only read (`checks.allErrors`) for data that fails the first check.
 */
export function formValidatorOver(checksFor: (form: FormDefinition) => FormChecks): FormValidator {
  return {
    validate(form, data, requested) {
      // Anything but English, including nothing, is answered in German.
      const language: Language = requested === 'en' ? 'en' : 'de';
      const checks = checksFor(form);
      const valid = checks.firstError(data);
      if (valid && checks.validWithinLimits) return [];
      const tooBig = structuralIssue(data, language);
      if (tooBig !== undefined) return [tooBig];
      // Valid and within the limits: the all-errors pass would find nothing (and need not be loaded, shipped.ts).
      if (valid || checks.allErrors(data)) return [];
      return issuesOf(checks.allErrors.errors ?? [], language);
    },
  };
}
