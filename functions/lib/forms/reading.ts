import { readdirSync, readFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import type { FormDefinition } from './definition.ts';

export type { FormDefinition, LocalizedText } from './definition.ts';

/**
 * Reading the form definitions under a folder, strictly (layout, JSON, ids, versions), without
 * Ajv: what the Lambda handlers need, whose definitions the synth checked. catalogue.ts adds the
 * checks (meta-schema, compilation, examples) that `npm start`, the synth and forms:check run.
 */

/** A form definition on disk is unusable; the message starts with the offending path. */
export class FormDefinitionError extends Error {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'FormDefinitionError';
    this.file = file;
  }
}

export interface FormCatalogue {
  /** The latest version of every form, sorted by id. */
  list(): FormDefinition[];
  /** Every version of every form, by id, oldest version first. */
  all(): FormDefinition[];
  /** One version of a form, the latest when no version is given; undefined when unknown. */
  get(id: string, version?: number): FormDefinition | undefined;
  /** Every office that owns at least one form, sorted. */
  offices(): string[];
}

/** Checks of one definition beyond reading it: `parsed` before, `definition` after ids and versions were read. */
export interface DefinitionChecks {
  parsed(file: string, parsed: unknown): void;
  definition(file: string, definition: FormDefinition): void;
}

const VERSION_FILE = /^v([1-9][0-9]{0,8})\.json$/;

function isHidden(entry: Dirent): boolean {
  // .gitkeep, .DS_Store and the like are no definitions and no mistakes either.
  return entry.name.startsWith('.');
}

function readEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => !isHidden(entry))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw new FormDefinitionError(dir, `cannot read directory: ${(error as Error).message}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function readDefinition(file: string, folder: string, version: number, checks: DefinitionChecks | undefined): FormDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FormDefinitionError(file, `not valid JSON: ${(error as Error).message}`);
  }
  checks?.parsed(file, parsed);
  // Unverified, it is a definition the synth checked; it only has to be an object to be read.
  if (typeof parsed !== 'object' || parsed === null) throw new FormDefinitionError(file, 'is not a JSON object');
  const definition = parsed as FormDefinition;
  if (definition.id !== folder) {
    throw new FormDefinitionError(file, `id ${JSON.stringify(definition.id) ?? '(missing)'} does not match its folder "${folder}": set "id": "${folder}"`);
  }
  if (definition.version !== version) {
    throw new FormDefinitionError(
      file,
      `version ${JSON.stringify(definition.version) ?? '(missing)'} does not match its file name v${version}.json: set "version": ${version}`,
    );
  }
  checks?.definition(file, definition);
  return deepFreeze(definition);
}

/** Where one version's definition is, by the layout alone (the file not opened). */
export interface DefinitionFile {
  file: string;
  version: number;
}

/** The definition files of one form, oldest version first, by the layout alone (read strictly, no file opened). */
function versionFiles(formsDir: string, folder: string): DefinitionFile[] {
  const dir = join(formsDir, folder);
  const files = readEntries(dir).map((entry) => {
    const file = join(dir, entry.name);
    const match = VERSION_FILE.exec(entry.name);
    if (!entry.isFile() || match?.[1] === undefined) {
      throw new FormDefinitionError(file, 'is not a form definition: expected only files named v<N>.json (N ≥ 1)');
    }
    return { file, version: Number(match[1]) };
  });
  if (files.length === 0) throw new FormDefinitionError(dir, 'form folder holds no v<N>.json definition');
  return files.sort((a, b) => a.version - b.version);
}

/** All versions of one form, oldest first. */
function readForm(formsDir: string, folder: string, checks: DefinitionChecks | undefined): FormDefinition[] {
  const versions: FormDefinition[] = [];
  for (const { file, version } of versionFiles(formsDir, folder)) {
    const definition = readDefinition(file, folder, version, checks);
    const first = versions[0];
    if (first !== undefined && first.office !== definition.office) {
      throw new FormDefinitionError(
        file,
        `office "${definition.office}" differs from office "${first.office}" of version ${first.version}`,
      );
    }
    versions.push(definition);
  }
  return versions;
}

/** Each form folder under `formsDir`, in order, with what `read` makes of it (a folder's id is its name). */
function eachForm<T>(formsDir: string, read: (folder: string) => T): Map<string, T> {
  const forms = new Map<string, T>();
  for (const entry of readEntries(formsDir)) {
    if (!entry.isDirectory()) {
      throw new FormDefinitionError(join(formsDir, entry.name), 'is not a form folder: expected <formId>/v<N>.json');
    }
    forms.set(entry.name, read(entry.name));
  }
  if (forms.size === 0) throw new FormDefinitionError(formsDir, 'holds no form definitions');
  return forms;
}

/** Every form's versions by form id. */
function readForms(formsDir: string, checks: DefinitionChecks | undefined): Map<string, FormDefinition[]> {
  return eachForm(formsDir, (folder) => readForm(formsDir, folder, checks));
}

/**
 * Every form's definition files by form id, oldest version first: the layout of `formsDir` read as
 * strictly as readFormCatalogue reads it (the same errors), without opening a definition.
 */
export function definitionFiles(formsDir: string): Map<string, DefinitionFile[]> {
  return eachForm(formsDir, (folder) => versionFiles(formsDir, folder));
}

/** The catalogue over each form's versions (oldest first), each version's definition from `definitionOf`. */
function catalogueOver<V extends { version: number }>(forms: ReadonlyMap<string, readonly V[]>, definitionOf: (id: string, version: V) => FormDefinition): FormCatalogue {
  const latest = (): FormDefinition[] =>
    [...forms].map(([id, versions]) => definitionOf(id, versions[versions.length - 1] as V)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    list: latest,
    all: () => [...forms].flatMap(([id, versions]) => versions.map((version) => definitionOf(id, version))),
    get(id, version) {
      const versions = forms.get(id);
      if (versions === undefined) return undefined;
      const found = version === undefined ? versions[versions.length - 1] : versions.find((candidate) => candidate.version === version);
      return found && definitionOf(id, found);
    },
    offices: () => [...new Set(latest().map((form) => form.office))].sort(),
  };
}

/**
 * Reads every form definition under `formsDir` once, synchronously, so that a broken definition
 * stops start-up rather than failing a citizen's request. Throws FormDefinitionError.
 */
export function readFormCatalogue(formsDir: string, checks?: DefinitionChecks): FormCatalogue {
  return catalogueOver(readForms(formsDir, checks), (_, definition) => definition);
}

/**
 * A catalogue over the definition files `definitionFiles` found, that reads a definition (as
 * strictly as readFormCatalogue: JSON, id, version) when it is first asked for, and keeps it: what
 * submit's cold start uses (shipped.ts), so that it does not grow with the published versions.
 * A form or version without a file is unknown without a read. That every version of a form names
 * the same office is not checked here: the build that wrote the folder read it with
 * readFormCatalogue (infra/formsBuild.ts).
 */
export function catalogueReadOnUse(files: ReadonlyMap<string, readonly DefinitionFile[]>): FormCatalogue {
  const read = new Map<string, FormDefinition>();
  return catalogueOver(files, (id, { file, version }) => {
    let definition = read.get(file);
    if (definition === undefined) {
      definition = readDefinition(file, id, version, undefined);
      read.set(file, definition);
    }
    return definition;
  });
}
