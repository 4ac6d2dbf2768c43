import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { FormCatalogue } from '#lib/forms/catalogue.ts';
import { BUILD_DIR, PUBLIC_DOCUMENTS, publicDocumentsOf } from '#lib/forms/public.ts';
import { CHECKS_MODULE } from '#lib/forms/shipped.ts';
import { generateChecksSource } from '#lib/forms/standalone.ts';
import { loadCheckedCatalogue } from './formPatterns.ts';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is infra/formsBuild.ts), where Ajv's runtime helpers resolve. */
const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The forms folder a function ships, built from `schemas/forms` (or another source folder): the
 * definitions, checked as the synth checks them (a malformed one stops the build, naming its
 * file), and in `.build/` what is prepared from them so that a cold start compiles nothing:
 * - `checks.mjs`: every version's validator as Ajv standalone code (functions/lib/forms/standalone.ts),
 *   bundled with Ajv's runtime helpers into one self-contained ES module;
 * - `public.json`: the bodies of `GET /forms` and `GET /forms/{formId}` (shipped.ts).
 * The synth builds it into every function that ships forms (bundling.ts); the local stack builds it
 * at each start into its data folder, so a new definition is picked up by a restart or a redeploy.
 */
export function buildShippedForms(sourceDir: string, outDir: string): FormCatalogue {
  const catalogue = loadCheckedCatalogue(sourceDir);
  for (const form of catalogue.all()) {
    mkdirSync(join(outDir, form.id), { recursive: true });
    copyFileSync(join(sourceDir, form.id, `v${form.version}.json`), join(outDir, form.id, `v${form.version}.json`));
  }
  const buildDir = join(outDir, BUILD_DIR);
  mkdirSync(buildDir, { recursive: true });
  buildSync({
    // Ajv's generated code requires its runtime helpers from the project's node_modules.
    stdin: { contents: generateChecksSource(catalogue.all()), resolveDir: PROJECT_ROOT, sourcefile: 'form-checks.generated.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    outfile: join(buildDir, CHECKS_MODULE),
    logLevel: 'warning',
  });
  writeFileSync(join(buildDir, PUBLIC_DOCUMENTS), JSON.stringify(publicDocumentsOf(catalogue)));
  return catalogue;
}

/** Per source folder, the last folder it was built into (the synth bundles several functions). */
const built = new Map<string, string>();

/**
 * Builds the shipped forms of `sourceDir` into `outDir`, or copies the build of an earlier function
 * of the same synth while it is still there. No folder of its own: a temp dir would outlive the synth.
 */
export function copyShippedForms(sourceDir: string, outDir: string): void {
  const previous = built.get(sourceDir);
  if (previous !== undefined && existsSync(join(previous, BUILD_DIR, CHECKS_MODULE))) {
    cpSync(previous, outDir, { recursive: true });
    return;
  }
  buildShippedForms(sourceDir, outDir);
  built.set(sourceDir, outDir);
}
