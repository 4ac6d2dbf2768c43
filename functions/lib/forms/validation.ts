import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { FormDefinition } from './definition.ts';
import { citizenMessage, xMessageKeyword, type Language } from './messages.ts';
import { xAttachmentKeyword } from '#lib/attachments/fields.ts';

export type { Language } from './messages.ts';

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

export interface FormValidatorOptions {
  /** Called with `id@version` each time a form schema is compiled (tests count compilations). */
  onCompile?: (key: string) => void;
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

// ajv-formats is CommonJS whose typings declare `export default`, while Node hands an
// ES module importer `module.exports` itself; accept either shape.
function commonJsDefault<T>(module: unknown): T {
  return (typeof module === 'function' ? module : (module as { default: T }).default) as T;
}

const addFormats = commonJsDefault<FormatsPlugin>(addFormatsModule);

/**
 * The one Ajv configuration for form schemas. The catalogue compiles every schema with it when it
 * verifies (`npm start`, the synth), so a schema that passed is a schema the validator can compile.
 *
 * `checkSchemas: false` skips validating each schema against the draft 2020-12 meta-schema (whose
 * own compilation costs tens of milliseconds per instance); only for schemas the catalogue checked.
 */
export function createFormSchemaAjv({ checkSchemas = true }: { checkSchemas?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    validateSchema: checkSchemas,
    // Data stays exactly as submitted: no coercion, no defaults, no stripping.
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    // `constructor` or `__proto__` in data must not be found on Object.prototype by `required`.
    ownProperties: true,
    // Schemas compare against constants only; `$data` references would let data steer validation.
    $data: false,
    // Patterns are Unicode-aware and maxLength counts code points, not UTF-16 units.
    unicodeRegExp: true,
    // Citizens' messages are produced in German or English per request (messages.ts); only the
    // checking instance needs Ajv's own, to explain a refused schema to its author.
    messages: checkSchemas,
    // Errors carry the subschema that failed, so that its author's `x-message` can be found.
    verbose: true,
  });
  addFormats(ajv);
  ajv.addKeyword(xMessageKeyword);
  ajv.addKeyword(xAttachmentKeyword);
  return ajv;
}

/** Keywords that make Ajv compile a subschema into a function of its own. */
const SEPARATELY_COMPILED = new Set(['$ref', '$dynamicRef', '$recursiveRef', '$dynamicAnchor', '$recursiveAnchor', '$id']);

function containsKeyword(schema: unknown, keywords: ReadonlySet<string>): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  return Object.entries(schema).some(([key, value]) => keywords.has(key) || containsKeyword(value, keywords));
}

/** The subschema a local reference such as `#/$defs/address` points at (RFC 6901 in a URI fragment). */
function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref !== '#' && !ref.startsWith('#/')) return undefined;
  let node = root;
  for (const token of ref === '#' ? [] : decodeURIComponent(ref.slice(2)).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Why Ajv would not compile `schema` into one function, if it would not. Ajv inlines a referenced
 * subschema only when that subschema holds no reference itself; otherwise it calls a separate
 * function and, with allErrors, copies the growing error list after every call, which makes
 * rejecting a large invalid body quadratic. Requiring `$ref` targets free of references (no nested
 * `$defs` chains, no recursion, no `$id`) keeps validation linear in the size of the data.
 */
function referenceProblem(root: Record<string, unknown>): string | undefined {
  const pending: unknown[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const target = resolveLocalRef(root, value);
        if (target === undefined) return `"$ref": "${value}" must point into the form's own schema, e.g. "#/$defs/address"`;
        if (containsKeyword(target, SEPARATELY_COMPILED)) {
          return `"$ref": "${value}" points at a subschema that itself contains $ref, $id or a dynamic reference; inline it so that validation stays linear`;
        }
      } else if (SEPARATELY_COMPILED.has(key) && !(key === '$id' && node === root)) {
        return `"${key}" is not supported inside a form schema`;
      }
      pending.push(value);
    }
  }
  return undefined;
}

/** Compiles a form schema with `ajv`; throws (naming the problem) when the schema is unusable. */
export function compileFormSchema(ajv: Ajv2020, schema: Record<string, unknown>): ValidateFunction {
  const problem = referenceProblem(schema);
  if (problem !== undefined) throw new Error(problem);
  return ajv.compile(schema);
}

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

/** Ajv's errors as the issues a citizen reads: pointers into the request body, messages in `language`. */
export function issuesOf(errors: readonly ErrorObject[], language: Language): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // A failing if/then/else is reported by the errors of the branch that failed.
    if (error.keyword === 'if') continue;
    const issue = { pointer: pointerOf(error), keyword: error.keyword, message: citizenMessage(error, language) };
    const key = `${issue.pointer}\u0000${issue.keyword}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    if (issues.length === MAX_ISSUES) break;
  }
  return issues;
}

export function createFormValidator(options: FormValidatorOptions = {}): FormValidator {
  // Form definitions come from the catalogue, whose every schema was checked (at synth for Lambda).
  const ajv = createFormSchemaAjv({ checkSchemas: false });
  // One validator serves one catalogue: `id@version` names exactly one schema.
  const compiled = new Map<string, ValidateFunction>();
  // The catalogue hands out the same frozen definition for every request of a form version: found
  // by identity, a request needs no key built and hashed.
  const byDefinition = new WeakMap<FormDefinition, ValidateFunction>();

  function validatorFor(form: FormDefinition): ValidateFunction {
    let validateData = byDefinition.get(form);
    if (validateData !== undefined) return validateData;
    const key = `${form.id}@${form.version}`;
    validateData = compiled.get(key);
    if (validateData === undefined) {
      validateData = compileFormSchema(ajv, form.schema);
      compiled.set(key, validateData);
      options.onCompile?.(key);
    }
    byDefinition.set(form, validateData);
    return validateData;
  }

  return {
    validate(form, data, requested) {
      // Anything but English, including nothing, is answered in German.
      const language: Language = requested === 'en' ? 'en' : 'de';
      const validateData = validatorFor(form);
      const tooBig = structuralIssue(data, language);
      if (tooBig !== undefined) return [tooBig];
      if (validateData(data)) return [];
      return issuesOf(validateData.errors ?? [], language);
    },
  };
}
