import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { FormDefinitionError, loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { FORMS_DIR, absentFormId, testDefinition } from '../../support/forms.ts';

const schemasDir = fileURLToPath(new URL('../../../schemas/', import.meta.url));
// The shipped forms, or the copy the publishing test points EGOV_FORMS_DIR at.
const formsDir = FORMS_DIR;

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** The shared test definition in office `testamt`; a `schema` given here replaces its schema whole. */
function definition({ schema, ...overrides }: Record<string, unknown> = {}): Record<string, unknown> {
  const base = testDefinition({ office: 'testamt', ...overrides });
  return schema === undefined ? base : { ...base, schema };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A forms directory holding `files` (path relative to it → JSON value, or raw text). */
function formsDirWith(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'forms-'));
  tempDirs.push(root);
  const dir = join(root, 'forms');
  mkdirSync(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function loadError(dir: string): FormDefinitionError {
  try {
    loadFormCatalogue(dir);
  } catch (error) {
    if (error instanceof FormDefinitionError) return error;
    throw error;
  }
  throw new Error('loadFormCatalogue did not throw');
}

function expectErrorNaming(dir: string, file: string, problem: RegExp): void {
  const error = loadError(dir);
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  expect(error.message).toMatch(problem);
}

describe('loadFormCatalogue with the shipped forms', () => {
  const catalogue = loadFormCatalogue(formsDir);

  it('lists the latest version of every form folder, sorted by id', () => {
    const folders = readdirSync(formsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const latest = folders.map((folder) => {
      const versions = readdirSync(join(formsDir, folder.name)).map((name) => Number(/^v([0-9]+)\.json$/.exec(name)?.[1]));
      return `${folder.name}@${Math.max(...versions)}`;
    });
    expect(catalogue.list().map((form) => `${form.id}@${form.version}`)).toEqual(latest);
  });

  it('gets the latest version when no version is given', () => {
    const files = readdirSync(join(formsDir, 'fischereischein')).map((name) => Number(/^v(\d+)\.json$/.exec(name)?.[1] ?? 0));
    expect(catalogue.get('fischereischein')?.version).toBe(Math.max(...files));
  });

  it('gets an older version by number', () => {
    const v1 = catalogue.get('fischereischein', 1);
    expect(v1?.version).toBe(1);
    expect(v1?.office).toBe('ordnungsamt');
    expect((v1?.schema.properties as Record<string, unknown>).delivery).toBeUndefined();
    expect((catalogue.get('fischereischein', 2)?.schema.properties as Record<string, unknown>).delivery).toBeDefined();
  });

  it('answers undefined for an unknown form or version', () => {
    expect(catalogue.get(absentFormId())).toBeUndefined();
    expect(catalogue.get('fischereischein', (catalogue.get('fischereischein')?.version ?? 0) + 1)).toBeUndefined();
    expect(catalogue.get('fischereischein', 0)).toBeUndefined();
    expect(catalogue.get('__proto__')).toBeUndefined();
    expect(catalogue.get('constructor')).toBeUndefined();
  });

  it('names every office that owns a form, once, sorted', () => {
    expect(catalogue.offices()).toEqual([...new Set(catalogue.list().map((form) => form.office))].sort());
    expect(catalogue.offices()).toContain('ordnungsamt');
  });

  it('gives every form German and English titles and a realistic retention period', () => {
    for (const form of catalogue.list()) {
      expect(form.title.de.length).toBeGreaterThan(0);
      expect(form.title.en.length).toBeGreaterThan(0);
      expect(form.retentionDays).toBeGreaterThanOrEqual(365);
      expect(form.schema.$schema).toBe(DRAFT_2020_12);
    }
  });

  it('hands out definitions that callers cannot change', () => {
    const form = catalogue.get('wohngeld');
    expect(Object.isFrozen(form)).toBe(true);
    expect(Object.isFrozen(form?.schema.properties)).toBe(true);
    const count = catalogue.list().length;
    catalogue.list().pop();
    expect(catalogue.list()).toHaveLength(count);
  });
});

describe('form-definition.schema.json', () => {
  it('is itself a valid draft 2020-12 schema', () => {
    const metaSchema = JSON.parse(readFileSync(join(schemasDir, 'form-definition.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validateSchema(metaSchema)).toBe(true);
    expect(metaSchema.$schema).toBe(DRAFT_2020_12);
  });
});

describe('loadFormCatalogue with broken definitions', () => {
  it('loads a well-formed temporary catalogue (the baseline for the cases below)', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition() });
    expect(loadFormCatalogue(dir).get('testantrag')?.office).toBe('testamt');
  });

  it('ignores hidden files such as .gitkeep', () => {
    const dir = formsDirWith({ '.gitkeep': '', 'testantrag/v1.json': definition(), 'testantrag/.DS_Store': 'x' });
    expect(loadFormCatalogue(dir).list()).toHaveLength(1);
  });

  it('rejects a file that is not JSON', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': '{ "id": "testantrag", ' });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /not valid JSON/);
  });

  it('rejects a definition that violates the meta-schema', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ retentionDays: 0 }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /form-definition\.schema\.json.*retentionDays/);
  });

  it('rejects a title without an English text', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ title: { de: 'Testantrag' } }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /title must have required property 'en'/);
  });

  it('rejects unknown top-level properties', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ owner: 'someone' }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /must NOT have additional properties \("owner"\)/);
  });

  it('rejects a schema of another draft', () => {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' };
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ schema }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /schema\/\$schema/);
  });

  it('rejects an id that differs from the folder name', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ id: 'anderer-antrag' }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /id "anderer-antrag" does not match its folder "testantrag": set "id": "testantrag"/);
  });

  it('rejects a version that differs from the file name', () => {
    const dir = formsDirWith({ 'testantrag/v2.json': definition({ version: 1 }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v2.json'), /version 1 does not match its file name v2\.json: set "version": 2/);
  });

  it('rejects a schema with an unknown keyword (Ajv strict mode)', () => {
    const schema = { $schema: DRAFT_2020_12, type: 'object', properties: { name: { type: 'string', maxlength: 5 } } };
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ schema }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /schema does not compile: .*maxlength/);
  });

  it('rejects a schema with an unknown format', () => {
    const schema = { $schema: DRAFT_2020_12, type: 'object', properties: { tax: { type: 'string', format: 'steuer-id' } } };
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ schema }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /schema does not compile: .*steuer-id/);
  });

  it('rejects a schema requiring a property it never declares', () => {
    const schema = { $schema: DRAFT_2020_12, type: 'object', properties: { name: { type: 'string' } }, required: ['nmae'] };
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ schema }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /schema does not compile: .*"nmae"/);
  });

  it('rejects a reference to a subschema that holds references itself', () => {
    const schema = {
      $schema: DRAFT_2020_12,
      type: 'object',
      properties: { person: { $ref: '#/$defs/person' } },
      $defs: {
        name: { type: 'string', maxLength: 100 },
        person: { type: 'object', properties: { name: { $ref: '#/$defs/name' } } },
      },
    };
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ schema }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /schema does not compile: "\$ref": "#\/\$defs\/person"/);
  });

  it('rejects a reference outside the form schema', () => {
    const schema = { $schema: DRAFT_2020_12, type: 'object', properties: { a: { $ref: 'https://example.org/a.json' } } };
    const dir = formsDirWith({ 'testantrag/v1.json': definition({ schema }) });
    expectErrorNaming(dir, join(dir, 'testantrag/v1.json'), /schema does not compile: .*must point into the form's own schema/);
  });

  it('rejects a stray file in a form folder', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition(), 'testantrag/notes.txt': 'todo' });
    expectErrorNaming(dir, join(dir, 'testantrag/notes.txt'), /expected only files named v<N>\.json/);
  });

  it('rejects a version file name with a leading zero', () => {
    const dir = formsDirWith({ 'testantrag/v01.json': definition() });
    expectErrorNaming(dir, join(dir, 'testantrag/v01.json'), /expected only files named v<N>\.json/);
  });

  it('rejects a file directly in the forms directory', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition(), 'testantrag.json': definition() });
    expectErrorNaming(dir, join(dir, 'testantrag.json'), /is not a form folder/);
  });

  it('rejects a second version that names another office', () => {
    const dir = formsDirWith({
      'testantrag/v1.json': definition(),
      'testantrag/v2.json': definition({ version: 2, office: 'jugendamt' }),
    });
    expectErrorNaming(dir, join(dir, 'testantrag/v2.json'), /office "jugendamt" differs from office "testamt" of version 1/);
  });

  it('rejects a form folder without versions', () => {
    const dir = formsDirWith({ 'testantrag/v1.json': definition() });
    mkdirSync(join(dir, 'leer'));
    expectErrorNaming(dir, join(dir, 'leer'), /holds no v<N>\.json definition/);
  });

  it('rejects an empty forms directory', () => {
    const dir = formsDirWith({});
    expectErrorNaming(dir, dir, /holds no form definitions/);
  });

  it('rejects a forms directory that does not exist', () => {
    const dir = join(formsDirWith({}), 'missing');
    expectErrorNaming(dir, dir, /cannot read directory/);
  });
});

describe('loadFormCatalogue without verification (the Lambda handlers)', () => {
  it('loads the same forms as the verifying load', () => {
    const verified = loadFormCatalogue(formsDir);
    const fast = loadFormCatalogue(formsDir, { verify: false });
    expect(fast.list()).toEqual(verified.list());
    expect(fast.get('fischereischein', 1)).toEqual(verified.get('fischereischein', 1));
  });

  it('still refuses a file whose id does not match its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-forms-'));
    tempDirs.push(dir);
    cpSync(formsDir, dir, { recursive: true });
    const file = join(dir, 'wohngeld', 'v1.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), id: 'anders' }));
    expect(() => loadFormCatalogue(dir, { verify: false })).toThrow(file);
  });
});
