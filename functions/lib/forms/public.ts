import type * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';
import type { FormCatalogue, LocalizedText } from './reading.ts';

/**
 * The public documents of the forms (`GET /forms`, `GET /forms/{formId}`), prepared by the build
 * beside the shipped definitions (infra/formsBuild.ts) and read by the handlers with one file read,
 * nothing compiled.
 */

/** The folder inside a shipped forms folder that holds what the build prepared (hidden: the catalogue does not read it). */
export const BUILD_DIR = '.build';
/** The bodies of `GET /forms` and `GET /forms/{formId}`. */
export const PUBLIC_DOCUMENTS = 'public.json';

/** What `GET /forms` and `GET /forms/{formId}[?version=N]` answer. */
export interface PublicDocuments {
  /** The body of `GET /forms`. */
  list: { items: unknown[] };
  /** Per form: its latest version and the body of `GET /forms/{formId}?version=N` per version. */
  forms: Record<string, { latest: number; versions: Record<string, unknown> }>;
}

/**
 * What one administration offers (its stage file, infra/forms.ts): the ids of its forms, and the
 * display names of its offices, which the public documents carry as `officeName`.
 */
export interface FormsOffering {
  readonly forms: readonly string[];
  readonly officeNames: Readonly<Record<string, LocalizedText>>;
}

/** The public documents of a catalogue that holds the offered forms only. */
export function publicDocumentsOf(catalogue: FormCatalogue, officeNames: FormsOffering['officeNames']): PublicDocuments {
  const officeName = (office: string): LocalizedText => {
    const name = officeNames[office];
    if (!name) throw new Error(`office ${office} has no display name in the stage file`);
    return name;
  };
  const forms: PublicDocuments['forms'] = {};
  for (const { id, version, office, title, description, schema, ui, authentication } of catalogue.all()) {
    const entry = (forms[id] ??= { latest: version, versions: {} });
    entry.latest = Math.max(entry.latest, version);
    entry.versions[String(version)] = { id, version, office, officeName: officeName(office), title, description, schema, ...(ui ? { ui } : {}), ...(authentication ? { authentication } : {}) };
  }
  const items = catalogue.list().map(({ id, version, office, title, description }) => ({ id, version, office, officeName: officeName(office), title, description }));
  return { list: { items }, forms };
}

/**
 * `node:fs` through `require`: an ES module `import` of it builds the module's ESM facade (over a
 * hundred live bindings) at every cold start, which measured ~4 ms of CPU, as much as the rest of
 * the public read routes' init; `require` hands over the module Node has loaded already.
 * (`node:module` costs nothing more: every bundle's banner imports it.)
 */
const fs = createRequire(import.meta.url)('node:fs') as typeof nodeFs;

export function readPublicDocuments(formsDir: string): PublicDocuments {
  return JSON.parse(fs.readFileSync(`${formsDir}/${BUILD_DIR}/${PUBLIC_DOCUMENTS}`, 'utf8')) as PublicDocuments;
}
