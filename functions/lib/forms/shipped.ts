import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import type { FormDefinition } from './definition.ts';
import { formValidatorOver, type FormChecks, type FormValidator, type SchemaCheck } from './issues.ts';
import { BUILD_DIR } from './public.ts';
import { catalogueReadOnUse, definitionFiles, type FormCatalogue } from './reading.ts';

/**
 * The forms as a function ships them: the definitions the build checked, and beside them, in the
 * hidden folder the catalogue does not read, what the build prepared from them (infra/formsBuild.ts):
 * the generated validators and the public documents. No Ajv, no zod.
 *
 * A cold start reads no definition and no check: it lists the folder (which forms and versions
 * there are), reads the small manifest and lists the checks' folder, and stops when a version has
 * no entry in the manifest or a check file is missing. A version's definition is read when a
 * request first names it (reading.ts, catalogueReadOnUse), its `firstError` check is loaded when
 * that version is first validated, and its `allErrors` check only when data fails the first; each
 * is kept. So a cold start reads names, and no more bytes as versions are published.
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

/** The names of the files in the checks' folder. */
function checkFilesIn(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir));
  } catch (error) {
    throw new Error(`${dir} cannot be read (${(error as Error).message}): rebuild`, { cause: error });
  }
}

/**
 * The shipped catalogue and a validator running the generated checks. Lists the definitions and
 * their checks' files and reads the manifest, without reading a definition or a check: a version
 * the manifest does not list, or whose check files are missing, is a build that did not finish and
 * stops the cold start. `load` is how a check's file is loaded (tests observe it).
 */
export async function loadShippedForms(formsDir: string, options: { load?: ChecksLoader } = {}): Promise<{ forms: FormCatalogue; validator: FormValidator }> {
  const load = options.load ?? requireChecks;
  const files = definitionFiles(formsDir);
  // Absolute: `require` reads a relative path without `./` as a package name.
  const buildDir = resolve(formsDir, BUILD_DIR);
  const manifestFile = join(buildDir, CHECKS_MANIFEST);
  const manifest = readManifest(manifestFile);
  const present = checkFilesIn(join(buildDir, CHECKS_DIR));
  const checks = new Map<string, FormChecks>();
  for (const [id, versions] of files) {
    for (const { version } of versions) {
      const key = checksKey({ id, version });
      const entry = Object.hasOwn(manifest, key) ? manifest[key] : undefined;
      if (entry === undefined) throw new Error(`${manifestFile} has no checks for ${id} version ${version}: rebuild`);
      const kinds = { firstError: checksFile({ id, version }, 'firstError'), allErrors: checksFile({ id, version }, 'allErrors') };
      for (const file of Object.values(kinds)) {
        if (!present.has(basename(file))) throw new Error(`${join(buildDir, file)} is missing (checks of ${id} version ${version}): rebuild`);
      }
      checks.set(key, lazyChecks({ firstError: join(buildDir, kinds.firstError), allErrors: join(buildDir, kinds.allErrors) }, entry.validWithinLimits, load));
    }
  }
  // The catalogue hands out one frozen definition per version: found by identity after its first use.
  const byDefinition = new WeakMap<FormDefinition, FormChecks>();
  return {
    forms: catalogueReadOnUse(files),
    validator: formValidatorOver((form) => {
      let found = byDefinition.get(form);
      if (found === undefined) {
        found = checks.get(checksKey(form));
        if (found === undefined) throw new Error(`no checks for ${form.id} version ${form.version}`);
        byDefinition.set(form, found);
      }
      return found;
    }),
  };
}
