import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { BUILD_DIR, PUBLIC_DOCUMENTS, readPublicDocuments } from '#lib/forms/public.ts';
import { formDetail } from '#lib/api/schemas.ts';
import { CHECKS_DIR, CHECKS_MANIFEST, checksFile, loadShippedForms, type ChecksManifest } from '#lib/forms/shipped.ts';
import { FormDefinitionError, readFormCatalogue } from '#lib/forms/reading.ts';
import { buildShippedForms } from '../../../infra/formsBuild.ts';
import { FORMS_DIR, everyFormOf, formCatalogue, testDefinition } from '../../support/forms.ts';
import { removeTempDirs, tempDir } from '../../support/tempDirs.ts';

// The forms folder as a function ships it (infra/formsBuild.ts): what the synth copies into every
// function with the `forms` need, and what the local stack builds at each start.

afterAll(removeTempDirs);

const write = (dir: string, definition: Record<string, unknown>): void => {
  mkdirSync(join(dir, String(definition.id)), { recursive: true });
  writeFileSync(join(dir, String(definition.id), `v${String(definition.version)}.json`), JSON.stringify(definition));
};

/** A forms folder built as a function ships it (buildShippedForms) from these definitions alone. */
function shippedFrom(...definitions: Record<string, unknown>[]): string {
  const source = tempDir('egov-shipped-source-');
  for (const definition of definitions) write(source, definition);
  const shipped = tempDir('egov-shipped-');
  buildShippedForms(source, shipped, everyFormOf(source));
  return shipped;
}

/** A checks loader that requires the file and records its name, in load order. */
function recordingLoader(): { loaded: string[]; load: (file: string) => unknown } {
  const required = createRequire(import.meta.url);
  const loaded: string[] = [];
  return {
    loaded,
    load: (file) => {
      loaded.push(basename(file));
      return required(file);
    },
  };
}

describe('the shipped forms', () => {
  it('validate every example of every version with the generated code, and refuse what the schema refuses', async () => {
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(FORMS_DIR, shipped, everyFormOf());
    const { forms, validator } = await loadShippedForms(shipped);
    expect(forms.all().map((form) => `${form.id}@${form.version}`)).toEqual(formCatalogue().all().map((form) => `${form.id}@${form.version}`));
    for (const form of forms.all()) {
      for (const example of form.schema.examples as unknown[]) expect({ [form.id]: validator.validate(form, example) }).toEqual({ [form.id]: [] });
      expect(validator.validate(form, { unbekannt: 1 }, 'en')).toContainEqual({ pointer: '/data/unbekannt', keyword: 'additionalProperties', message: 'is not allowed' });
    }
  });

  it('pick up a new definition when built again, without a code change', async () => {
    const source = tempDir('egov-shipped-source-');
    write(source, testDefinition());
    const first = tempDir('egov-shipped-');
    buildShippedForms(source, first, everyFormOf(source));
    expect((await loadShippedForms(first)).forms.list().map((form) => form.id)).toEqual(['testantrag']);

    write(source, testDefinition({ id: 'zweitantrag', schema: { properties: { name: { type: 'string', maxLength: 5 } }, examples: [{ name: 'Anna' }] } }));
    const second = tempDir('egov-shipped-');
    buildShippedForms(source, second, everyFormOf(source));
    const { forms, validator } = await loadShippedForms(second);
    const added = forms.get('zweitantrag');
    expect(added).toBeDefined();
    expect(validator.validate(added!, { name: 'Annabell' }, 'de')).toEqual([{ pointer: '/data/name', keyword: 'maxLength', message: 'darf höchstens 5 Zeichen lang sein' }]);
    expect(readPublicDocuments(second).list.items.map((item) => (item as { id: string }).id)).toEqual(['testantrag', 'zweitantrag']);
  });

  it('stop a cold start when a definition has no generated checks', async () => {
    const shipped = shippedFrom(testDefinition());
    write(shipped, testDefinition({ version: 2 }));
    await expect(loadShippedForms(shipped)).rejects.toThrow(`${join(shipped, BUILD_DIR, CHECKS_MANIFEST)} has no checks for testantrag version 2: rebuild`);
  });

  it.each(['firstError', 'allErrors'] as const)('stop a cold start when the %s file of a version is missing, naming it', async (kind) => {
    const shipped = shippedFrom(testDefinition());
    await expect(loadShippedForms(shipped)).resolves.toBeDefined();
    const missing = join(shipped, BUILD_DIR, checksFile({ id: 'testantrag', version: 1 }, kind));
    rmSync(missing);
    await expect(loadShippedForms(shipped)).rejects.toThrow(`${missing} is missing (checks of testantrag version 1): rebuild`);
  });

  it('stop a cold start when the manifest is missing, naming it', async () => {
    const shipped = shippedFrom(testDefinition());
    const manifest = join(shipped, BUILD_DIR, CHECKS_MANIFEST);
    rmSync(manifest);
    await expect(loadShippedForms(shipped)).rejects.toThrow(`${manifest} cannot be read`);
  });

  it("load no version's checks at init, a version's first-error check when it is first validated, its all-errors check only for invalid data", async () => {
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(FORMS_DIR, shipped, everyFormOf());
    const manifest = JSON.parse(readFileSync(join(shipped, BUILD_DIR, CHECKS_MANIFEST), 'utf8')) as ChecksManifest;
    const { loaded, load } = recordingLoader();
    const { forms, validator } = await loadShippedForms(shipped, { load });
    expect(Object.keys(manifest).sort()).toEqual(forms.all().map((form) => `${form.id}@${form.version}`).sort());
    expect(loaded).toEqual([]);

    const [first, second] = forms.all();
    const valid = (first!.schema.examples as unknown[])[0];
    expect(validator.validate(first!, valid)).toEqual([]);
    expect(validator.validate(first!, valid)).toEqual([]);
    expect(loaded).toEqual([`${first!.id}@${first!.version}.first.cjs`]);

    expect(validator.validate(first!, { unbekannt: 1 }, 'en')).toContainEqual({ pointer: '/data/unbekannt', keyword: 'additionalProperties', message: 'is not allowed' });
    expect(validator.validate(first!, { unbekannt: 2 }, 'en')).toContainEqual({ pointer: '/data/unbekannt', keyword: 'additionalProperties', message: 'is not allowed' });
    expect(loaded).toEqual([`${first!.id}@${first!.version}.first.cjs`, `${first!.id}@${first!.version}.all.cjs`]);

    expect(validator.validate(second!, { unbekannt: 1 }, 'de')).not.toEqual([]);
    expect(loaded.slice(2)).toEqual([`${second!.id}@${second!.version}.first.cjs`, `${second!.id}@${second!.version}.all.cjs`]);
  });

  it('answer as the catalogue read whole: every version, the latest, the offices, and nothing for an unknown form or version', async () => {
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(FORMS_DIR, shipped, everyFormOf());
    const whole = readFormCatalogue(shipped);
    const { forms } = await loadShippedForms(shipped);
    for (const form of whole.all()) {
      expect(forms.get(form.id, form.version)).toEqual(form);
      expect(forms.get(form.id)).toEqual(whole.get(form.id));
      expect(forms.get(form.id, Math.max(...whole.all().filter(({ id }) => id === form.id).map(({ version }) => version)) + 1)).toBeUndefined();
    }
    expect(forms.get('unbekannt')).toBeUndefined();
    expect(forms.get('__proto__')).toBeUndefined();
    expect(forms.list()).toEqual(whole.list());
    expect(forms.all()).toEqual(whole.all());
    expect(forms.offices()).toEqual(whole.offices());
  });

  it('read no definition at a cold start: a version is read when a request first names it, and kept', async () => {
    const shipped = shippedFrom(testDefinition(), testDefinition({ version: 2 }));
    const first = join(shipped, 'testantrag', 'v1.json');
    writeFileSync(first, '{"id": "testantrag", "vers');
    const { forms, validator } = await loadShippedForms(shipped);

    const latest = forms.get('testantrag');
    expect(latest?.version).toBe(2);
    expect(Object.isFrozen(latest?.schema)).toBe(true);
    rmSync(join(shipped, 'testantrag', 'v2.json'));
    expect(forms.get('testantrag', 2)).toBe(latest);
    expect(validator.validate(latest!, { name: '' }, 'en')).toEqual([{ pointer: '/data/name', keyword: 'minLength', message: 'must not be empty' }]);
    // A file broken after the build: found when it is first read, naming the file.
    expect(() => forms.get('testantrag', 1)).toThrow(FormDefinitionError);
    expect(() => forms.get('testantrag', 1)).toThrow(`${first}: not valid JSON`);
  });

  it('read a version as strictly as the catalogue does: a definition under another form\'s folder is refused, naming the file', async () => {
    const shipped = shippedFrom(testDefinition());
    const file = join(shipped, 'testantrag', 'v1.json');
    writeFileSync(file, JSON.stringify(testDefinition({ id: 'zweitantrag' })));
    const { forms } = await loadShippedForms(shipped);
    expect(() => forms.get('testantrag')).toThrow(`${file}: id "zweitantrag" does not match its folder "testantrag"`);
  });

  it.each([
    ['a definition that is no JSON', (source: string) => writeFileSync(join(source, 'testantrag', 'v2.json'), '{"id": "testantrag", '), 'not valid JSON'],
    ['versions of one form in two offices', (source: string) => write(source, testDefinition({ version: 2, office: 'bauamt' })), 'office "bauamt" differs from office "ordnungsamt" of version 1'],
  ])('never ship %s: the build stops, naming the file (what a cold start no longer reads, the build did)', (_, spoil, problem) => {
    const source = tempDir('egov-shipped-source-');
    write(source, testDefinition());
    spoil(source);
    expect(() => buildShippedForms(source, tempDir('egov-shipped-'), { forms: ['testantrag'], officeNames: {} })).toThrow(`${join(source, 'testantrag', 'v2.json')}: ${problem}`);
  });

  it('stop a cold start when the folder of the checks is missing, naming it', async () => {
    const shipped = shippedFrom(testDefinition());
    const checks = join(shipped, BUILD_DIR, CHECKS_DIR);
    rmSync(checks, { recursive: true });
    await expect(loadShippedForms(shipped)).rejects.toThrow(`${checks} cannot be read`);
  });

  it('stop a cold start on a file the layout does not allow, as the catalogue read whole does', async () => {
    const shipped = shippedFrom(testDefinition());
    const stray = join(shipped, 'testantrag', 'v1.json.bak');
    writeFileSync(stray, '{}');
    await expect(loadShippedForms(shipped)).rejects.toThrow(`${stray}: is not a form definition`);
  });

  it('load the checks of a folder named by a relative path', async () => {
    const shipped = shippedFrom(testDefinition());
    const { forms, validator } = await loadShippedForms(relative(process.cwd(), shipped));
    expect(validator.validate(forms.get('testantrag')!, { name: '' }, 'en')).toEqual([{ pointer: '/data/name', keyword: 'minLength', message: 'must not be empty' }]);
  });

  it('validate valid data of a version whose valid instances are not provably within the limits without its all-errors check', async () => {
    // An array of unbounded length: valid instances may exceed MAX_DATA_VALUES (structure.ts).
    const shipped = shippedFrom(testDefinition({ schema: { required: [], properties: { items: { type: 'array', items: { type: 'integer' } } }, examples: [{ items: [1] }] } }));
    expect(JSON.parse(readFileSync(join(shipped, BUILD_DIR, CHECKS_MANIFEST), 'utf8'))).toEqual({ 'testantrag@1': { validWithinLimits: false } });
    const { loaded, load } = recordingLoader();
    const { forms, validator } = await loadShippedForms(shipped, { load });
    const form = forms.get('testantrag')!;
    expect(validator.validate(form, { items: [1, 2, 3] })).toEqual([]);
    expect(validator.validate(form, { items: Array.from({ length: 6000 }, () => 1) }, 'en')).toEqual([
      { pointer: '/data', keyword: 'maxValues', message: 'must not contain more than 5000 values' },
    ]);
    expect(loaded).toEqual(['testantrag@1.first.cjs']);
    expect(validator.validate(form, { items: ['a'] }, 'en')).toEqual([{ pointer: '/data/items/0', keyword: 'type', message: 'must be a whole number' }]);
    expect(loaded).toEqual(['testantrag@1.first.cjs', 'testantrag@1.all.cjs']);
  });

  it('prepare the public documents from the definitions: GET /forms lists the latest versions, GET /forms/{id} every version, each with its office\'s display name', () => {
    const shipped = tempDir('egov-shipped-');
    const offering = everyFormOf();
    buildShippedForms(FORMS_DIR, shipped, offering);
    const documents = JSON.parse(readFileSync(join(shipped, BUILD_DIR, PUBLIC_DOCUMENTS), 'utf8')) as ReturnType<typeof readPublicDocuments>;
    const catalogue = formCatalogue();
    const officeName = (office: string) => offering.officeNames[office];
    expect(documents.list.items).toEqual(
      catalogue.list().map(({ id, version, office, title, description }) => ({ id, version, office, officeName: officeName(office), title, description })),
    );
    for (const { id, version, office, title, description, schema, authentication } of catalogue.all()) {
      expect(documents.forms[id]?.versions[String(version)]).toEqual({ id, version, office, officeName: officeName(office), title, description, schema, ...(authentication ? { authentication } : {}) });
      expect(documents.forms[id]?.latest).toBe(catalogue.get(id)?.version);
    }
  });

  it('carry a form\'s sign-in (`authentication`) in GET /forms/{id}, in the shape the API declares, so that the portal can sign the citizen in first', () => {
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(FORMS_DIR, shipped, everyFormOf());
    const documents = readPublicDocuments(shipped);
    const signed = formCatalogue().all().filter((form) => form.authentication);
    expect(signed.length).toBeGreaterThan(0);
    for (const { id, version, authentication } of signed) {
      const detail = formDetail.parse(documents.forms[id]?.versions[String(version)]);
      expect(detail.authentication).toEqual(authentication);
    }
    expect(() => formDetail.parse({ ...(documents.forms[signed[0]!.id]?.versions[String(signed[0]!.version)] as object), authentication: { level: 'medium' } })).toThrow();
  });

  it('ship only the forms the administration offers: another form is not there at all', async () => {
    const source = tempDir('egov-forms-');
    write(source, testDefinition());
    write(source, testDefinition({ id: 'zweitantrag', office: 'bauamt' }));
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(source, shipped, { forms: ['testantrag'], officeNames: { ordnungsamt: { de: 'Ordnungsamt', en: 'Public Order Office' } } });
    expect((await loadShippedForms(shipped)).forms.all().map((form) => form.id)).toEqual(['testantrag']);
    const documents = readPublicDocuments(shipped);
    expect(documents.list.items).toEqual([expect.objectContaining({ id: 'testantrag', officeName: { de: 'Ordnungsamt', en: 'Public Order Office' } })]);
    expect(documents.forms.zweitantrag).toBeUndefined();
  });
});
