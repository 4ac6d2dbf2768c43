import standaloneModule from 'ajv/dist/standalone/index.js';
import type { FormDefinition } from './definition.ts';
import { compileFormChecks, createFormSchemaCompilers } from './validation.ts';

/**
 * Build time: every form version's checks (validation.ts, FormChecks) as Ajv standalone code, so
 * that the functions validate with generated code and ship no Ajv compiler. The source is one ES
 * module whose default export maps `id@version` to that version's checks; Ajv's code still
 * `require`s its small runtime helpers (string length in code points, deep equality, the formats),
 * so the build bundles it (infra/formsBuild.ts) into one self-contained file.
 *
 * Custom keywords: a keyword defined with `code` (and, for helpers it calls, scope values that carry
 * their `code`) is generated like Ajv's own; a `validate`-style keyword cannot be made standalone and
 * stops the build here.
 */

type StandaloneCode = (typeof standaloneModule)['default'];
// Ajv's standalone entry is CommonJS: Node hands an ES module importer `module.exports` (the
// function itself), its typings a module whose `default` is the function; accept either.
const standaloneCode: StandaloneCode =
  typeof standaloneModule === 'function' ? (standaloneModule as StandaloneCode) : (standaloneModule as { default: StandaloneCode }).default;

/** The key of a form version in the generated module. */
export const checksKey = (form: Pick<FormDefinition, 'id' | 'version'>): string => `${form.id}@${form.version}`;

/** One standalone CommonJS function module, wrapped so that several live side by side in one file. */
function wrapped(commonJs: string): string {
  return `load(function (module, exports) {\n${commonJs}\n})`;
}

/** One form version's checks as standalone code: each a CommonJS module (exporting the function) that `require`s Ajv's runtime helpers. */
export interface StandaloneChecks {
  firstError: string;
  allErrors: string;
  validWithinLimits: boolean;
}

/** Generates form schemas' checks as standalone code (one generator for a whole catalogue). */
export function createChecksGenerator(): (schema: Record<string, unknown>) => StandaloneChecks {
  // The catalogue checked every schema before (verify); the compilers only generate.
  const compilers = createFormSchemaCompilers({ checkSchemas: false, source: true });
  return (schema) => {
    const checks = compileFormChecks(compilers, schema);
    return {
      firstError: standaloneCode(compilers.firstError, checks.firstError),
      allErrors: standaloneCode(compilers.allErrors, checks.allErrors),
      validWithinLimits: checks.validWithinLimits,
    };
  };
}

/** The generated module's source (unbundled): `export default { "<id>@<version>": { firstError, allErrors, validWithinLimits } }`. */
export function generateChecksSource(forms: readonly FormDefinition[]): string {
  const generate = createChecksGenerator();
  const entries = forms.map((form) => {
    const checks = generate(form.schema);
    return [
      `  ${JSON.stringify(checksKey(form))}: {`,
      `    firstError: ${wrapped(checks.firstError)},`,
      `    allErrors: ${wrapped(checks.allErrors)},`,
      `    validWithinLimits: ${String(checks.validWithinLimits)},`,
      '  },',
    ].join('\n');
  });
  return [
    '// Generated at build time by functions/lib/forms/standalone.ts from the form definitions: do not edit.',
    'function load(define) {',
    '  const module = { exports: {} };',
    '  define(module, module.exports);',
    '  return module.exports.default ?? module.exports;',
    '}',
    'export default {',
    ...entries,
    '};',
    '',
  ].join('\n');
}
