import { createRequire } from 'node:module';
import { expect } from '@jest/globals';
import type { FormDefinition } from '#lib/forms/definition.ts';
import { formValidatorOver, type FormChecks, type FormValidator } from '#lib/forms/issues.ts';
import { createChecksGenerator } from '#lib/forms/standalone.ts';
import { createFormValidator } from '#lib/forms/validation.ts';
import { formCatalogue } from './forms.ts';

/**
 * The two ways a form version's checks are made: compiled by Ajv at run time (validation.ts) and
 * generated as standalone code at build time (standalone.ts; the build bundles this very code
 * with Ajv's runtime helpers, infra/formsBuild.ts). Here the generated code is evaluated in the test
 * process, with `require` resolving the helpers from node_modules as the bundler does.
 */
export function standaloneFormValidator(): FormValidator {
  const generate = createChecksGenerator();
  const requireHelper = createRequire(import.meta.url);
  const load = (commonJs: string): FormChecks['firstError'] => {
    const module = { exports: {} as { default?: FormChecks['firstError'] } };
    new Function('module', 'exports', 'require', commonJs)(module, module.exports, requireHelper);
    return (module.exports.default ?? module.exports) as FormChecks['firstError'];
  };
  const byDefinition = new WeakMap<FormDefinition, FormChecks>();
  return formValidatorOver((form) => {
    let checks = byDefinition.get(form);
    if (checks === undefined) {
      const code = generate(form.schema);
      checks = { firstError: load(code.firstError), allErrors: load(code.allErrors), validWithinLimits: code.validWithinLimits };
      byDefinition.set(form, checks);
    }
    return checks;
  });
}

/**
 * A validator that answers with the compiled checks and asserts, on every call, that the generated
 * standalone checks answer exactly the same: the validation and message tests run through it, so
 * each of them also holds the two paths to agreeing.
 */
export function agreeingFormValidator(): FormValidator {
  const compiled = createFormValidator();
  const standalone = standaloneFormValidator();
  // Both compile (and generate) every catalogue form up front, so that a test that times a
  // validation times validating, as a warm function does, not the first use of a schema.
  for (const form of formCatalogue().all()) {
    compiled.validate(form, {});
    standalone.validate(form, {});
  }
  return {
    validate(form, data, language) {
      const expected = compiled.validate(form, data, language);
      expect(standalone.validate(form, data, language)).toEqual(expected);
      return expected;
    },
  };
}
