import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { loadFormCatalogue, type FormCatalogue, type FormDefinition } from '#lib/forms/catalogue.ts';
import type { FormsOffering } from '#lib/forms/public.ts';
import { defaultStageName, loadStageConfig } from '../../infra/config.ts';

/**
 * The forms the tests run against: `schemas/forms`, or the folder `EGOV_FORMS_DIR` names (the
 * publishing test runs the form-dependent suites against a copy with a new form in it). Tests take
 * their forms, samples and "unknown" ids from here, never from a list of the forms that happen to ship.
 */
export const FORMS_DIR = resolve(process.env.EGOV_FORMS_DIR ?? fileURLToPath(new URL('../../schemas/forms', import.meta.url)));

/** The lock file that goes with FORMS_DIR (`EGOV_FORMS_LOCK`, by default forms.lock.json). */
export const FORMS_LOCK = resolve(process.env.EGOV_FORMS_LOCK ?? fileURLToPath(new URL('../../forms.lock.json', import.meta.url)));

let loaded: FormCatalogue | undefined;

/** The verified catalogue of FORMS_DIR, loaded once per test file. */
export function formCatalogue(): FormCatalogue {
  loaded ??= loadFormCatalogue(FORMS_DIR);
  return loaded;
}

/**
 * For tests that build a forms folder of their own (infra/formsBuild.ts): every form in it on
 * offer, each office named as the default stage file names it (by its id where that file lacks it).
 */
export function everyFormOf(formsDir: string = FORMS_DIR): FormsOffering {
  const catalogue = loadFormCatalogue(formsDir);
  const stage = loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined));
  const named = Object.fromEntries(stage.offices.map((office) => [office.id, office.name]));
  return {
    forms: catalogue.list().map((form) => form.id),
    officeNames: Object.fromEntries(catalogue.offices().map((office) => [office, named[office] ?? { de: office, en: office }])),
  };
}

/** One version of a form (the latest by default); throws when there is none. */
export function formOf(id: string, version?: number): FormDefinition {
  const form = formCatalogue().get(id, version);
  if (form === undefined) throw new Error(`no form ${id}${version === undefined ? '' : ` v${version}`} in ${FORMS_DIR}`);
  return form;
}

/** A fresh copy of the first `examples` entry of a form version's schema (the latest by default). */
export function sampleOf(id: string, version?: number): Record<string, unknown> {
  const examples = formOf(id, version).schema.examples as Record<string, unknown>[];
  return structuredClone(examples[0] as Record<string, unknown>);
}

/** A well-formed form id that no form in the catalogue has. */
export function absentFormId(): string {
  let id = 'kein-formular';
  for (let n = 2; formCatalogue().get(id) !== undefined; n += 1) id = `kein-formular-${n}`;
  return id;
}

/**
 * A small valid form definition, for tests that write forms folders of their own. `schema` merges
 * into its schema (one `name` field and its example by default), the rest into the definition.
 */
export function testDefinition({ schema = {}, ...overrides }: { schema?: Record<string, unknown> } & Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'testantrag',
    version: 1,
    office: 'ordnungsamt',
    title: { de: 'Testantrag', en: 'Test application' },
    description: { de: 'Ein Antrag für Tests.', en: 'An application for tests.' },
    retentionDays: 30,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
      examples: [{ name: 'Erika Mustermann' }],
      ...schema,
    },
    ...overrides,
  };
}

/** A form version around a hand-written schema, for behaviour the shipped forms do not show. */
export function syntheticForm(id: string, schema: Record<string, unknown>): FormDefinition {
  return {
    id,
    version: 1,
    office: 'testamt',
    title: { de: 'Test', en: 'Test' },
    description: { de: 'Test', en: 'Test' },
    retentionDays: 30,
    schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', ...schema },
  };
}
