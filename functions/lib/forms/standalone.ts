import standaloneModule from 'ajv/dist/standalone/index.js';
import { compileFormChecks, createFormSchemaCompilers } from './validation.ts';

/**
 * Build time: every form version's checks (validation.ts, FormChecks) as Ajv standalone code, so
 * that the functions validate with generated code and ship no Ajv compiler. Each check is one
 * CommonJS module exporting the function; Ajv's code still `require`s its small runtime helpers
 * (string length in code points, deep equality, the formats), so the build bundles each
 * (infra/formsBuild.ts) into one self-contained file, which shipped.ts loads on first use.
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
