import * as path from 'node:path';
import { loadCheckedCatalogue } from './formPatterns.ts';
import { PROJECT_ROOT } from './constructs/bundling.ts';

/** Where the offices, and so the Cognito groups, are configured. */
export const OFFICES_CONFIG = 'infra/config.ts';

/** The form definitions the functions ship (bundling.ts copies this folder). */
export const FORMS_SOURCE_DIR = path.join(PROJECT_ROOT, 'schemas', 'forms');

/**
 * Synth-time check of the form definitions, with the same catalogue code the handlers run: a
 * malformed definition stops the build with an error naming the file, and a form of an office
 * without a Cognito group (no clerk could ever see its cases) stops it too.
 */
export function checkFormDefinitions(offices: readonly string[], formsDir: string = FORMS_SOURCE_DIR): void {
  const catalogue = loadCheckedCatalogue(formsDir);
  const orphaned = catalogue.list().filter((form) => !offices.includes(form.office));
  if (orphaned.length > 0) {
    const forms = orphaned.map((form) => `${path.join(formsDir, form.id, `v${form.version}.json`)} (office "${form.office}")`).join(', ');
    const missing = [...new Set(orphaned.map((form) => `"${form.office}"`))].join(', ');
    throw new Error(
      `Forms of offices without a clerk group in this stage: ${forms}; no clerk could ever see their cases. ` +
        `Either set "office" in the file to one of the stage's offices (${offices.join(', ')}), or, for a new office, ` +
        `an operator adds ${missing} to OFFICES and to the stage's "offices" in ${OFFICES_CONFIG} (configuration, not a form change: ` +
        'it creates the Cognito group; see docs/forms.md, "Offices").',
    );
  }
}
