import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetStaging } from 'aws-cdk-lib';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { FormsOffering } from '#lib/forms/public.ts';
import { copyShippedForms } from '../formsBuild.ts';

/** The repository root (this file is infra/constructs/bundling.ts). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the form definitions land inside every function that ships them. */
export const FORMS_DIR_IN_LAMBDA = '/var/task/forms';
/** Where the delivery destinations file lands inside the function that ships it (infra/constructs/delivery.ts). */
export const DESTINATIONS_FILE_IN_LAMBDA = '/var/task/destinations.json';
/** Where a sign-in function finds the stage's BundID settings (functions/lib/bundid/settings.ts). */
export const SIGN_IN_SETTINGS_FILE_IN_LAMBDA = '/var/task/bundid.json';
/** Where the function that answers `GET /openapi.json` finds the document (docs/openapi.json, minified). */
export const OPENAPI_FILE_IN_LAMBDA = '/var/task/openapi.json';

/** A file written into a function's bundle: its name there and its content. */
export interface ShippedFile {
  readonly name: string;
  readonly content: string;
}

/**
 * esbuild options for every handler: one minified ESM file per function, built by the local
 * esbuild (never Docker).
 *
 * `externalModules: []` bundles the AWS SDK v3 clients too, instead of using the runtime's copy:
 * the versions in package-lock.json are the ones the tests ran against, tree-shaking keeps only the
 * clients a handler imports, and a runtime SDK update can never change behaviour under us.
 */
export function bundlingFor(forms: FormsOffering | undefined, files: readonly ShippedFile[] = []): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourceMap: true,
    sourceMapMode: nodejs.SourceMapMode.DEFAULT,
    // Keep the maps small; stack traces need names and lines, not the sources.
    sourcesContent: false,
    externalModules: [],
    forceDockerBundling: false,
    logLevel: nodejs.LogLevel.WARNING,
    // CommonJS dependencies bundled into an ES module still call `require` (e.g. for node:
    // built-ins); give them one.
    banner: "import { createRequire as __egovCreateRequire } from 'node:module'; const require = __egovCreateRequire(import.meta.url);",
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      // The forms folder with its generated validators and public documents (infra/formsBuild.ts),
      // built in this process while the local esbuild bundles, and only then (synths that skip
      // bundling skip it too). CDK also asks for the Docker variant of the commands, which is never
      // run (forceDockerBundling: false, CDK_DOCKER fails in the bench): there the build cannot happen.
      afterBundling: (inputDir: string, outputDir: string) => {
        const local = inputDir !== AssetStaging.BUNDLING_INPUT_DIR;
        // Local bundling writes the files in this process (the OpenAPI document is too large for a
        // command line); for Docker, base64 keeps any content safe inside the shell command.
        if (local) for (const file of files) writeFileSync(path.join(outputDir, file.name), file.content);
        const shipped = local ? [] : files.map((file) => `echo ${Buffer.from(file.content, 'utf8').toString('base64')} | base64 -d > "${outputDir}/${file.name}"`);
        if (!forms) return shipped;
        if (!local) return ['echo "the forms are built by local bundling only (infra/formsBuild.ts)" >&2', 'exit 1'];
        copyShippedForms(path.join(inputDir, 'schemas', 'forms'), path.join(outputDir, 'forms'), forms);
        return shipped;
      },
    },
  };
}
