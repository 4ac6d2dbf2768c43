import * as path from 'node:path';
import { loadCheckedCatalogue } from './formPatterns.ts';
import { PROJECT_ROOT } from './constructs/bundling.ts';

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
    const list = orphaned.map((form) => `${form.id} (office "${form.office}")`).join(', ');
    throw new Error(`Forms of offices without a clerk group in this stage: ${list}. Add the office to infra/config.ts.`);
  }
}
