import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormDefinitionError, loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { prefillProblem } from '#lib/forms/authentication.ts';
import { formCatalogue, testDefinition } from '../../support/forms.ts';
import { removeTempDirs, tempDir } from '../../support/tempDirs.ts';

afterAll(removeTempDirs);

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const schema = {
  $schema: DRAFT,
  type: 'object',
  properties: {
    applicant: { type: 'object', properties: { familyName: { $ref: '#/$defs/name' }, children: { type: 'integer' } } },
  },
  $defs: { name: { type: 'string', maxLength: 100 } },
};

function catalogueWith(definition: Record<string, unknown>): () => unknown {
  const dir = tempDir('egov-auth-forms-');
  mkdirSync(join(dir, 'testantrag'));
  writeFileSync(join(dir, 'testantrag', 'v1.json'), JSON.stringify(testDefinition(definition)));
  return () => loadFormCatalogue(dir);
}

describe('authentication and prefill, the author\'s check', () => {
  it('accepts a prefill pointer to a string property, through a local $ref', () => {
    expect(prefillProblem({ schema, authentication: { level: 'substantial', prefill: { '/applicant/familyName': 'surname' } } })).toBeUndefined();
  });

  it('refuses a prefill pointer to an undeclared property, naming it', () => {
    expect(prefillProblem({ schema, authentication: { level: 'low', prefill: { '/applicant/name': 'surname' } } })).toMatch(/no property \/applicant\/name/);
  });

  it('refuses a prefill pointer to a property that is not a string', () => {
    expect(prefillProblem({ schema, authentication: { level: 'low', prefill: { '/applicant/children': 'surname' } } })).toMatch(/must name a string property/);
    expect(prefillProblem({ schema, authentication: { level: 'low', prefill: { '/applicant': 'surname' } } })).toMatch(/must name a string property/);
  });

  it('stops the catalogue with an error that names the file and the pointer', () => {
    const load = catalogueWith({ authentication: { level: 'substantial', prefill: { '/vorname': 'surname' } } });
    expect(load).toThrow(FormDefinitionError);
    expect(load).toThrow(/testantrag\/v1\.json: authentication\.prefill "\/vorname"/);
  });

  it.each([
    ['an unknown level', { level: 'medium' }],
    ['no level', { prefill: {} }],
    ['an attribute BundID does not release', { level: 'low', prefill: { '/name': 'bpk2' } }],
    ['an unknown property', { level: 'low', provider: 'elster' }],
  ])('refuses %s by the meta-schema', (_name, authentication) => {
    expect(catalogueWith({ authentication })).toThrow(/form-definition\.schema\.json/);
  });

  it('holds for every shipped form version that needs sign-in', () => {
    for (const form of formCatalogue().all().filter((candidate) => candidate.authentication)) expect(prefillProblem(form)).toBeUndefined();
  });
});
