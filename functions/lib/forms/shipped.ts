import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { FormDefinition } from './definition.ts';
import { formValidatorOver, type FormChecks, type FormValidator, type SchemaCheck } from './issues.ts';
import { BUILD_DIR } from './public.ts';
import { readFormCatalogue, type FormCatalogue } from './reading.ts';

/**
 * The forms as a function ships them: the definitions the build checked, and beside them, in the
 * hidden folder the catalogue does not read, what the build prepared from them (infra/formsBuild.ts):
 * the generated validators and the public documents. No Ajv, no zod.
 *
 * The generated checks are one self-contained CommonJS file per form version and kind, loaded on
 * first use: a cold start reads only the small manifest, a version's `firstError` check is loaded
 * when that version is first validated, and its `allErrors` check only when data fails the first.
 * So the cold start does not grow with the number of published versions.
 */

/** The key of a form version in the manifest, and its checks' file names: `<id>@<version>`. */
export const checksKey = (form: Pick<FormDefinition, 'id' | 'version'>): string => `${form.id}@${form.version}`;

/** The manifest of the generated checks, in the build folder: `id@version` → ChecksManifestEntry. */
export const CHECKS_MANIFEST = 'checks.json';

/** The folder, in the build folder, that holds the generated checks' files. */
export const CHECKS_DIR = 'checks';

/** What the manifest records of a form version (the checks themselves are in its files). */
export interface ChecksManifestEntry {
  /** FormChecks.validWithinLimits, decided at build time from the schema (structure.ts). */
  validWithinLimits: boolean;
}

export type ChecksManifest = Record<string, ChecksManifestEntry>;

/** The two generated checks of a form version. */
export type CheckKind = 'firstError' | 'allErrors';

const FILE_SUFFIX: Record<CheckKind, string> = { firstError: 'first.cjs', allErrors: 'all.cjs' };

/** The file of a form version's check, relative to the build folder: `checks/<id>@<version>.first.cjs` or `.all.cjs`. */
export const checksFile = (form: Pick<FormDefinition, 'id' | 'version'>, kind: CheckKind): string =>
  join(CHECKS_DIR, `${checksKey(form)}.${FILE_SUFFIX[kind]}`);

/** Loads one generated CommonJS file by its absolute path (its `module.exports`). */
export type ChecksLoader = (file: string) => unknown;

// Named apart from `require`: the Lambda bundle's banner declares a top-level `require` (bundling.ts).
const requireChecks: ChecksLoader = createRequire(import.meta.url);

/** The exported function of a loaded check (Ajv's standalone code also sets it as `default`). */
function schemaCheckOf(loaded: unknown, file: string): SchemaCheck {
  const check = (loaded as { default?: unknown } | undefined)?.default ?? loaded;
  if (typeof check !== 'function') throw new Error(`${file} exports no check: rebuild`);
  return check as SchemaCheck;
}

/** A form version's checks, each loaded from its file on first use and kept. */
function lazyChecks(files: Record<CheckKind, string>, validWithinLimits: boolean, load: ChecksLoader): FormChecks {
  const loaded: Partial<Record<CheckKind, SchemaCheck>> = {};
  const check = (kind: CheckKind): SchemaCheck => (loaded[kind] ??= schemaCheckOf(load(files[kind]), files[kind]));
  return {
    get firstError() {
      return check('firstError');
    },
    get allErrors() {
      return check('allErrors');
    },
    validWithinLimits,
  };
}

function readManifest(file: string): ChecksManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file} cannot be read (${(error as Error).message}): rebuild`, { cause: error });
  }
  return JSON.parse(text) as ChecksManifest;
}

/**
 * The shipped catalogue and a validator running the generated checks. Reads the catalogue and the
 * manifest; a definition the manifest does not list, or whose files are missing, is a build that
 * did not finish and stops the cold start. `load` is how a check's file is loaded (tests observe it).
 */
export async function loadShippedForms(formsDir: string, options: { load?: ChecksLoader } = {}): Promise<{ forms: FormCatalogue; validator: FormValidator }> {
  const load = options.load ?? requireChecks;
  const forms = readFormCatalogue(formsDir);
  // Absolute: `require` reads a relative path without `./` as a package name.
  const buildDir = resolve(formsDir, BUILD_DIR);
  const manifestFile = join(buildDir, CHECKS_MANIFEST);
  const manifest = readManifest(manifestFile);
  const checks = new Map<FormDefinition, FormChecks>();
  for (const form of forms.all()) {
    const entry = Object.hasOwn(manifest, checksKey(form)) ? manifest[checksKey(form)] : undefined;
    if (entry === undefined) throw new Error(`${manifestFile} has no checks for ${form.id} version ${form.version}: rebuild`);
    const files = { firstError: join(buildDir, checksFile(form, 'firstError')), allErrors: join(buildDir, checksFile(form, 'allErrors')) };
    for (const file of Object.values(files)) {
      if (!existsSync(file)) throw new Error(`${file} is missing (checks of ${form.id} version ${form.version}): rebuild`);
    }
    checks.set(form, lazyChecks(files, entry.validWithinLimits, load));
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
