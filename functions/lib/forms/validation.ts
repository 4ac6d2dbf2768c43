import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { FormDefinition } from './definition.ts';
import { xMessageKeyword } from './messages.ts';
import { formValidatorOver, type FormChecks, type FormValidator } from './issues.ts';
import { resolveLocalRef, validInstancesWithinLimits } from './structure.ts';
import { xAttachmentKeyword } from '#lib/attachments/keyword.ts';

export {
  MAX_DATA_DEPTH,
  MAX_DATA_VALUES,
  MAX_ISSUES,
  issuesOf,
  type FormChecks,
  type FormValidator,
  type Language,
  type ValidationIssue,
} from './issues.ts';

export interface FormValidatorOptions {
  /** Called with `id@version` each time a form schema is compiled (tests count compilations). */
  onCompile?: (key: string) => void;
}

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
export interface FormSchemaAjvOptions {
  checkSchemas?: boolean;
  /** Collect every failure (the default, for the answer) or stop at the first (the cheap pass). */
  allErrors?: boolean;
  /** Keep the generated source of each compiled schema, for Ajv standalone code (standalone.ts). */
  source?: boolean;
}

export function createFormSchemaAjv({ checkSchemas = true, allErrors = true, source = false }: FormSchemaAjvOptions = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors,
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
    // Standalone code (generated at build time) needs each function's source; ESM is not asked
    // for: Ajv's ESM output still `require`s its runtime helpers, and the build bundles them.
    ...(source ? { code: { source: true } } : {}),
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

/** Both checks of a form schema, compiled by two Ajv instances of the one configuration. */
export interface FormSchemaCompilers {
  firstError: Ajv2020;
  allErrors: Ajv2020;
}

export function createFormSchemaCompilers(options: Omit<FormSchemaAjvOptions, 'allErrors'> = {}): FormSchemaCompilers {
  return { firstError: createFormSchemaAjv({ ...options, allErrors: false }), allErrors: createFormSchemaAjv({ ...options, allErrors: true }) };
}

/** The checks of one form schema (see FormChecks); throws, naming the problem, when the schema is unusable. */
export function compileFormChecks(compilers: FormSchemaCompilers, schema: Record<string, unknown>): FormChecks & { firstError: ValidateFunction; allErrors: ValidateFunction } {
  return {
    allErrors: compileFormSchema(compilers.allErrors, schema),
    firstError: compileFormSchema(compilers.firstError, schema),
    validWithinLimits: validInstancesWithinLimits(schema),
  };
}

/**
 * A validator that compiles each form version with Ajv on its first use: the path of the tests and
 * the tools. The Lambda handlers and the local stack run the same checks generated as standalone
 * code at build time (standalone.ts, shipped.ts); test/unit/forms/standalone.test.ts holds the two to agreeing.
 */
export function createFormValidator(options: FormValidatorOptions = {}): FormValidator {
  // Form definitions come from the catalogue, whose every schema was checked (at synth for Lambda).
  const compilers = createFormSchemaCompilers({ checkSchemas: false });
  // One validator serves one catalogue: `id@version` names exactly one schema.
  const compiled = new Map<string, FormChecks>();
  // The catalogue hands out the same frozen definition for every request of a form version: found
  // by identity, a request needs no key built and hashed.
  const byDefinition = new WeakMap<FormDefinition, FormChecks>();

  return formValidatorOver((form) => {
    let checks = byDefinition.get(form);
    if (checks !== undefined) return checks;
    const key = `${form.id}@${form.version}`;
    checks = compiled.get(key);
    if (checks === undefined) {
      checks = compileFormChecks(compilers, form.schema);
      compiled.set(key, checks);
      options.onCompile?.(key);
    }
    byDefinition.set(form, checks);
    return checks;
  });
}
