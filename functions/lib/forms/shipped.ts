import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FormDefinition } from './definition.ts';
import { formValidatorOver, type FormChecks, type FormValidator } from './issues.ts';
import { BUILD_DIR } from './public.ts';
import { readFormCatalogue, type FormCatalogue } from './reading.ts';

/**
 * The forms as a function ships them: the definitions the build checked, and beside them, in the
 * hidden folder the catalogue does not read, what the build prepared from them (infra/formsBuild.ts):
 * the generated validators and the public documents. No Ajv, no zod.
 */

/** The bundled standalone validators (standalone.ts). */
export const CHECKS_MODULE = 'checks.mjs';

/** The shipped catalogue and a validator running the generated checks. */
export async function loadShippedForms(formsDir: string): Promise<{ forms: FormCatalogue; validator: FormValidator }> {
  const forms = readFormCatalogue(formsDir);
  const module = (await import(pathToFileURL(join(formsDir, BUILD_DIR, CHECKS_MODULE)).href)) as { default: Record<string, FormChecks> };
  const checks = new Map<FormDefinition, FormChecks>();
  for (const form of forms.all()) {
    const found = module.default[`${form.id}@${form.version}`];
    // A definition without generated checks is a build that did not finish: stop the cold start.
    if (found === undefined) throw new Error(`${join(formsDir, BUILD_DIR, CHECKS_MODULE)} has no checks for ${form.id} version ${form.version}: rebuild`);
    checks.set(form, found);
  }
  return {
    forms,
    validator: formValidatorOver((form) => {
      const found = checks.get(form);
      if (found === undefined) throw new Error(`no checks for ${form.id} version ${form.version}`);
      return found;
    }),
  };
}
