import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { FormCatalogue } from '#lib/forms/catalogue.ts';
import { BUILD_DIR, PUBLIC_DOCUMENTS, publicDocumentsOf, type FormsOffering } from '#lib/forms/public.ts';
import { CHECKS_DIR, CHECKS_MANIFEST, checksFile, checksKey, type ChecksManifest, type CheckKind } from '#lib/forms/shipped.ts';
import { createChecksGenerator } from '#lib/forms/standalone.ts';
import { loadCheckedCatalogue } from './formPatterns.ts';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is infra/formsBuild.ts), where Ajv's runtime helpers resolve. */
const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The part of a catalogue an administration offers: only these forms exist for its functions. */
function offeredPart(catalogue: FormCatalogue, offering: FormsOffering): FormCatalogue {
  const offered = (id: string) => offering.forms.includes(id);
  return {
    list: () => catalogue.list().filter((form) => offered(form.id)),
    all: () => catalogue.all().filter((form) => offered(form.id)),
    get: (id, version) => (offered(id) ? catalogue.get(id, version) : undefined),
    offices: () => [...new Set(catalogue.list().filter((form) => offered(form.id)).map((form) => form.office))].sort(),
  };
}

/**
 * The forms folder a function ships, built from `schemas/forms` (or another source folder) for one
 * administration (its stage file's offering, infra/forms.ts): the offered definitions, checked as
 * the synth checks them (a malformed one stops the build, naming its file), and in `.build/` what
 * is prepared from them so that a cold start compiles nothing:
 * - `checks/<id>@<version>.first.cjs` and `.all.cjs`: each version's two checks as Ajv standalone
 *   code (functions/lib/forms/standalone.ts), each bundled with Ajv's runtime helpers into one
 *   self-contained CommonJS file, which the function loads on first use (shipped.ts);
 * - `checks.json`: the manifest, `id@version` → `{ validWithinLimits }`, read at init (submit's
 *   cold start reads no definition: it lists the folder, and reads a version's definition when a
 *   request first names it; shipped.ts);
 * - `public.json`: the bodies of `GET /forms` and `GET /forms/{formId}` with the offices' display
 *   names (shipped.ts).
 * The synth builds it into every function that ships forms (bundling.ts); the local stack builds it
 * at each start into its data folder, so a new definition is picked up by a restart or a redeploy.
 */
export function buildShippedForms(sourceDir: string, outDir: string, offering: FormsOffering, checked?: FormCatalogue): FormCatalogue {
  // `checked`: the source folder's catalogue as loadCheckedCatalogue loaded it (the local stack
  // checks the forms first, and need not compile every schema twice).
  const catalogue = offeredPart(checked ?? loadCheckedCatalogue(sourceDir), offering);
  for (const form of catalogue.all()) {
    mkdirSync(join(outDir, form.id), { recursive: true });
    copyFileSync(join(sourceDir, form.id, `v${form.version}.json`), join(outDir, form.id, `v${form.version}.json`));
  }
  const buildDir = join(outDir, BUILD_DIR);
  // A rebuild into the same folder (the local stack) leaves no checks of a removed version behind.
  rmSync(join(buildDir, CHECKS_MANIFEST), { force: true });
  rmSync(join(buildDir, CHECKS_DIR), { recursive: true, force: true });
  mkdirSync(join(buildDir, CHECKS_DIR), { recursive: true });
  const generate = createChecksGenerator();
  const manifest: ChecksManifest = {};
  for (const form of catalogue.all()) {
    const checks = generate(form.schema);
    for (const kind of ['firstError', 'allErrors'] as const satisfies readonly CheckKind[]) {
      bundleCheck(checks[kind], `${checksKey(form)}.${kind}.generated.js`, join(buildDir, checksFile(form, kind)));
    }
    manifest[checksKey(form)] = { validWithinLimits: checks.validWithinLimits };
  }
  // Written after the checks' files: its presence marks them complete (copyShippedForms).
  writeFileSync(join(buildDir, CHECKS_MANIFEST), JSON.stringify(manifest));
  writeFileSync(join(buildDir, PUBLIC_DOCUMENTS), JSON.stringify(publicDocumentsOf(catalogue, offering.officeNames)));
  return catalogue;
}

/** One generated check (a CommonJS module) bundled with Ajv's runtime helpers into one self-contained file. */
function bundleCheck(commonJs: string, sourcefile: string, outfile: string): void {
  buildSync({
    // Ajv's generated code requires its runtime helpers from the project's node_modules.
    stdin: { contents: commonJs, resolveDir: PROJECT_ROOT, sourcefile, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    outfile,
    logLevel: 'warning',
  });
}

/** Per source folder and offering, the last folder it was built into (the synth bundles several functions). */
const built = new Map<string, string>();

/**
 * Builds the shipped forms of `sourceDir` into `outDir`, or copies the build of an earlier function
 * of the same synth while it is still there. No folder of its own: a temp dir would outlive the synth.
 */
export function copyShippedForms(sourceDir: string, outDir: string, offering: FormsOffering): void {
  const key = JSON.stringify([sourceDir, offering]);
  const previous = built.get(key);
  if (previous !== undefined && existsSync(join(previous, BUILD_DIR, CHECKS_MANIFEST))) {
    cpSync(previous, outDir, { recursive: true });
    return;
  }
  buildShippedForms(sourceDir, outDir, offering);
  built.set(key, outDir);
}
