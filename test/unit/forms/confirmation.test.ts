import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormDefinitionError, loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { addressAt, emailPointerProblem } from '#lib/forms/confirmation.ts';
import { formCatalogue, testDefinition } from '../../support/forms.ts';
import { removeTempDirs, tempDir } from '../../support/tempDirs.ts';

afterAll(removeTempDirs);

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const schema = {
  $schema: DRAFT,
  type: 'object',
  properties: {
    applicant: { type: 'object', properties: { email: { $ref: '#/$defs/email' }, name: { type: 'string' }, mail: { type: 'string' } } },
    'a/b': { type: 'string', format: 'email' },
  },
  $defs: { email: { type: 'string', format: 'email', maxLength: 254 } },
};

describe('confirmation.emailPointer, the author\'s check', () => {
  it('accepts a pointer to a string property with format email, through a local $ref and an escaped token', () => {
    expect(emailPointerProblem(schema, '/applicant/email')).toBeUndefined();
    expect(emailPointerProblem(schema, '/a~1b')).toBeUndefined();
  });

  it('refuses a pointer to an undeclared property, naming it', () => {
    expect(emailPointerProblem(schema, '/applicant/telefon')).toMatch(/no property \/applicant\/telefon/);
  });

  it('refuses a pointer to a string without format email, or to an object', () => {
    expect(emailPointerProblem(schema, '/applicant/mail')).toMatch(/"format": "email"/);
    expect(emailPointerProblem(schema, '/applicant')).toMatch(/"format": "email"/);
  });

  it('stops the catalogue with an error that names the file', () => {
    const dir = tempDir('egov-confirm-forms-');
    mkdirSync(join(dir, 'testantrag'));
    const file = join(dir, 'testantrag', 'v1.json');
    writeFileSync(file, JSON.stringify(testDefinition({ confirmation: { emailPointer: '/name' } })));
    expect(() => loadFormCatalogue(dir)).toThrow(FormDefinitionError);
    expect(() => loadFormCatalogue(dir)).toThrow(new RegExp(`${file}: confirmation.emailPointer "/name" must name a string property with "format": "email"`));
  });

  it('refuses a malformed confirmation block by the meta-schema', () => {
    const dir = tempDir('egov-confirm-forms-');
    mkdirSync(join(dir, 'testantrag'));
    writeFileSync(join(dir, 'testantrag', 'v1.json'), JSON.stringify(testDefinition({ confirmation: { emailPointer: 'applicant/email', cc: 'x' } })));
    expect(() => loadFormCatalogue(dir)).toThrow(/form-definition\.schema\.json/);
  });

  it('holds for every shipped form version that names one', () => {
    const named = formCatalogue().all().filter((form) => form.confirmation);
    for (const form of named) expect(emailPointerProblem(form.schema, form.confirmation!.emailPointer)).toBeUndefined();
  });
});

describe('the address in a case\'s data', () => {
  it('is read at the pointer', () => {
    expect(addressAt({ applicant: { email: 'a@example.de' } }, '/applicant/email')).toBe('a@example.de');
  });

  it('is absent when the citizen left it out, or it is no string', () => {
    expect(addressAt({ applicant: {} }, '/applicant/email')).toBeUndefined();
    expect(addressAt({ applicant: { email: 5 } }, '/applicant/email')).toBeUndefined();
    expect(addressAt({}, '/applicant/email')).toBeUndefined();
  });

  it('is never taken from the prototype chain', () => {
    expect(addressAt({ applicant: {} }, '/applicant/constructor')).toBeUndefined();
  });
});
