import { readdirSync, readFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import metaSchema from '../../../schemas/form-definition.schema.json' with { type: 'json' };
import { describeMetaSchemaError, explainSchemaProblem, xMessageProblem } from './authoring.ts';
import { emailPointerProblem } from './confirmation.ts';
import type { FormDefinition } from './definition.ts';
import { compileFormSchema, createFormSchemaAjv, issuesOf } from './validation.ts';

export type { FormDefinition, LocalizedText } from './definition.ts';

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

/** What verifying a definition takes: the meta-schema and a compilation of its form schema. */
interface DefinitionCheckers {
  checkDefinition: ValidateFunction<FormDefinition>;
  formSchemas: Ajv2020;
}

/**
 * Every version carries at least one sample of valid data as JSON Schema's own `examples` at the
 * schema's root: the tests and the docs' curl submit it, and it proves the schema accepts a real case.
 */
function checkExamples(file: string, schema: Record<string, unknown>, validateData: ValidateFunction): void {
  const examples = schema.examples;
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new FormDefinitionError(
      file,
      'schema has no "examples": add at least one sample of valid form data at the root of the schema, ' +
        '"schema": { ..., "examples": [ { ...the data a citizen would submit... } ] } (docs/forms.md, "Examples")',
    );
  }
  examples.forEach((example, index) => {
    if (validateData(example)) return;
    const problems = issuesOf(validateData.errors ?? [], 'en').map(
      (issue) => `/schema/examples/${index}${issue.pointer.slice('/data'.length)} ${issue.message} (${issue.keyword})`,
    );
    throw new FormDefinitionError(file, `schema/examples/${index} is not valid data for this schema; fix the example or the schema: ${problems.join('; ')}`);
  });
}

function readDefinition(file: string, folder: string, version: number, checkers: DefinitionCheckers | undefined): FormDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FormDefinitionError(file, `not valid JSON: ${(error as Error).message}`);
  }
  if (checkers && !checkers.checkDefinition(parsed)) {
    const problems = (checkers.checkDefinition.errors ?? []).map(describeMetaSchemaError).join('; ');
    throw new FormDefinitionError(file, `does not satisfy form-definition.schema.json: ${problems}`);
  }
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
  if (checkers) {
    let validateData: ValidateFunction;
    try {
      const problem = xMessageProblem(definition.schema);
      if (problem !== undefined) throw new Error(problem);
      validateData = compileFormSchema(checkers.formSchemas, definition.schema);
    } catch (error) {
      throw new FormDefinitionError(file, `schema does not compile: ${explainSchemaProblem((error as Error).message)}`);
    }
    checkExamples(file, definition.schema, validateData);
    const pointerProblem = definition.confirmation && emailPointerProblem(definition.schema, definition.confirmation.emailPointer);
    if (pointerProblem) throw new FormDefinitionError(file, pointerProblem);
  }
  return deepFreeze(definition);
}

/** All versions of one form, oldest first. */
function readForm(formsDir: string, folder: string, checkers: DefinitionCheckers | undefined): FormDefinition[] {
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

  const versions: FormDefinition[] = [];
  for (const { file, version } of files.sort((a, b) => a.version - b.version)) {
    const definition = readDefinition(file, folder, version, checkers);
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

function createCheckers(): DefinitionCheckers {
  // The meta-schema is ours and tested; skipping its check against draft 2020-12 saves start-up time.
  const definitionAjv = new Ajv2020({ allErrors: true, strict: true, validateSchema: false });
  return {
    checkDefinition: definitionAjv.compile<FormDefinition>(metaSchema),
    // One instance for all schemas, as in the validator: `$id`s clashing across forms fail here too.
    formSchemas: createFormSchemaAjv(),
  };
}

/** Every form's versions by form id. */
function readForms(formsDir: string, checkers: DefinitionCheckers | undefined): Map<string, FormDefinition[]> {
  const forms = new Map<string, FormDefinition[]>();
  for (const entry of readEntries(formsDir)) {
    if (!entry.isDirectory()) {
      throw new FormDefinitionError(join(formsDir, entry.name), 'is not a form folder: expected <formId>/v<N>.json');
    }
    forms.set(entry.name, readForm(formsDir, entry.name, checkers));
  }
  if (forms.size === 0) throw new FormDefinitionError(formsDir, 'holds no form definitions');
  return forms;
}

export interface LoadOptions {
  /**
   * Check every definition against form-definition.schema.json and compile its schema (the
   * default): what `npm start`, the synth (infra/forms.ts) and `npm run forms:check` do, so that a
   * malformed definition stops them, naming its file. The Lambda handlers pass `false`: their
   * definitions are the ones the synth checked, and compiling every schema would add 100–200 ms
   * to each cold start; the validator compiles a form version on its first use instead. Layout,
   * JSON, ids and versions are read strictly either way.
   */
  verify?: boolean;
}

/**
 * Reads (and checks, see LoadOptions) every form definition under `formsDir` once, synchronously,
 * so that a broken definition stops start-up rather than failing a citizen's request. Throws
 * FormDefinitionError.
 */
export function loadFormCatalogue(formsDir: string, { verify = true }: LoadOptions = {}): FormCatalogue {
  const forms = readForms(formsDir, verify ? createCheckers() : undefined);
  const latest = [...forms.values()]
    .map((versions) => versions[versions.length - 1] as FormDefinition)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const offices = [...new Set(latest.map((form) => form.office))].sort();

  return {
    list: () => [...latest],
    all: () => [...forms.values()].flat(),
    get(id, version) {
      const versions = forms.get(id);
      if (versions === undefined) return undefined;
      if (version === undefined) return versions[versions.length - 1];
      return versions.find((form) => form.version === version);
    },
    offices: () => [...offices],
  };
}
