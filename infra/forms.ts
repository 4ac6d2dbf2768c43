import * as path from 'node:path';
import type { FormCatalogue } from '#lib/forms/reading.ts';
import type { FormsOffering } from '#lib/forms/public.ts';
import { loadCheckedCatalogue } from './formPatterns.ts';
import { PROJECT_ROOT } from './constructs/bundling.ts';
import { displayPath, officeIds, type StageConfig } from './config.ts';

/** The form definitions the functions ship (bundling.ts copies this folder). */
export const FORMS_SOURCE_DIR = path.join(PROJECT_ROOT, 'schemas', 'forms');

/** What of a stage file decides the forms on offer. */
export type Administration = Pick<StageConfig, 'name' | 'file' | 'offices' | 'forms'>;

/**
 * The forms one administration offers and its offices' display names: the stage file's `forms`,
 * or, without that list, every form whose office it has. A listed form that does not exist, or
 * whose office the administration lacks (no clerk could ever see its cases), is refused by name,
 * with the file to edit.
 */
export function offeringOf(administration: Administration, catalogue: FormCatalogue, formsDir: string = FORMS_SOURCE_DIR): FormsOffering {
  const offices = officeIds(administration);
  const stageFile = displayPath(administration.file);
  const problems: string[] = [];
  let offered: string[];
  if (administration.forms) {
    offered = [];
    for (const id of administration.forms) {
      const form = catalogue.get(id);
      if (!form) {
        problems.push(`"forms" names ${id}, which is no form in ${displayPath(formsDir)}`);
      } else if (!offices.includes(form.office)) {
        problems.push(
          `form ${id} (${displayPath(path.join(formsDir, id, `v${form.version}.json`))}) belongs to office "${form.office}", which this administration lacks: ` +
            `add the office to "offices" in ${stageFile} (it creates the Cognito group), or remove ${id} from "forms" there`,
        );
      } else offered.push(id);
    }
  } else {
    offered = catalogue.list().filter((form) => offices.includes(form.office)).map((form) => form.id);
  }
  if (problems.length > 0) throw new Error(`Stage ${administration.name} (${stageFile}) offers forms it cannot serve:\n  - ${problems.join('\n  - ')}`);
  return {
    forms: [...new Set(offered)].sort(),
    officeNames: Object.fromEntries(administration.offices.map((office) => [office.id, office.name])),
  };
}

/**
 * Synth-time (and start-time) check of the form definitions, with the same catalogue code the
 * handlers run: a malformed definition stops the build with an error naming the file, and a form
 * offered by an administration that lacks its office stops it too (offeringOf). Returns what the
 * administration offers.
 */
export function checkFormDefinitions(administration: Administration, formsDir: string = FORMS_SOURCE_DIR): FormsOffering {
  return offeringOf(administration, loadCheckedCatalogue(formsDir), formsDir);
}

/**
 * Forms that no administration offers (forms:check over every stage file): most often a typo in
 * the form's `office`, or an office no stage file has yet. Each with its file and what to edit.
 */
export function formsOfferedNowhere(
  catalogue: FormCatalogue,
  offerings: readonly { readonly file: string; readonly forms: readonly string[] }[],
  formsDir: string = FORMS_SOURCE_DIR,
): string[] {
  const offered = new Set(offerings.flatMap((offering) => offering.forms));
  const stageFiles = offerings.map((offering) => displayPath(offering.file)).join(', ');
  return catalogue
    .list()
    .filter((form) => !offered.has(form.id))
    .map(
      (form) =>
        `${displayPath(path.join(formsDir, form.id, `v${form.version}.json`))}: no administration offers form ${form.id} (office "${form.office}"), so no clerk could ever see its cases. ` +
        `Either set "office" in the file to an office of a stage file, or, for a new office, add { "id": "${form.office}", "name": { "de": "…", "en": "…" } } ` +
        `to "offices" in the stage file of each administration that is to offer it (one of ${stageFiles}; docs/forms.md, "Offices")`,
    );
}
