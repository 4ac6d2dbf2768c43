import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { BUILD_DIR, PUBLIC_DOCUMENTS, readPublicDocuments } from '#lib/forms/public.ts';
import { loadShippedForms } from '#lib/forms/shipped.ts';
import { buildShippedForms } from '../../../infra/formsBuild.ts';
import { FORMS_DIR, formCatalogue, testDefinition } from '../../support/forms.ts';
import { removeTempDirs, tempDir } from '../../support/tempDirs.ts';

// The forms folder as a function ships it (infra/formsBuild.ts): what the synth copies into every
// function with the `forms` need, and what the local stack builds at each start.

afterAll(removeTempDirs);

const write = (dir: string, definition: Record<string, unknown>): void => {
  mkdirSync(join(dir, String(definition.id)), { recursive: true });
  writeFileSync(join(dir, String(definition.id), `v${String(definition.version)}.json`), JSON.stringify(definition));
};

describe('the shipped forms', () => {
  it('validate every example of every version with the generated code, and refuse what the schema refuses', async () => {
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(FORMS_DIR, shipped);
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
    buildShippedForms(source, first);
    expect((await loadShippedForms(first)).forms.list().map((form) => form.id)).toEqual(['testantrag']);

    write(source, testDefinition({ id: 'zweitantrag', schema: { properties: { name: { type: 'string', maxLength: 5 } }, examples: [{ name: 'Anna' }] } }));
    const second = tempDir('egov-shipped-');
    buildShippedForms(source, second);
    const { forms, validator } = await loadShippedForms(second);
    const added = forms.get('zweitantrag');
    expect(added).toBeDefined();
    expect(validator.validate(added!, { name: 'Annabell' }, 'de')).toEqual([{ pointer: '/data/name', keyword: 'maxLength', message: 'darf höchstens 5 Zeichen lang sein' }]);
    expect(readPublicDocuments(second).list.items.map((item) => (item as { id: string }).id)).toEqual(['testantrag', 'zweitantrag']);
  });

  it('stop a cold start when a definition has no generated checks', async () => {
    const source = tempDir('egov-shipped-source-');
    write(source, testDefinition());
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(source, shipped);
    write(shipped, testDefinition({ version: 2 }));
    await expect(loadShippedForms(shipped)).rejects.toThrow('has no checks for testantrag version 2');
  });

  it('prepare the public documents from the definitions: GET /forms lists the latest versions, GET /forms/{id} every version', () => {
    const shipped = tempDir('egov-shipped-');
    buildShippedForms(FORMS_DIR, shipped);
    const documents = JSON.parse(readFileSync(join(shipped, BUILD_DIR, PUBLIC_DOCUMENTS), 'utf8')) as ReturnType<typeof readPublicDocuments>;
    const catalogue = formCatalogue();
    expect(documents.list.items).toEqual(catalogue.list().map(({ id, version, office, title, description }) => ({ id, version, office, title, description })));
    for (const { id, version, office, title, description, schema } of catalogue.all()) {
      expect(documents.forms[id]?.versions[String(version)]).toEqual({ id, version, office, title, description, schema });
      expect(documents.forms[id]?.latest).toBe(catalogue.get(id)?.version);
    }
  });
});
