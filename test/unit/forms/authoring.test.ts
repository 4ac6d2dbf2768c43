import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormDefinitionError, loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { testDefinition } from '../../support/forms.ts';

// What a form author reads when a definition is refused: where, what, and how to fix it.

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

function definition(schema: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return testDefinition({
    schema: {
      required: ['postalCode'],
      properties: { postalCode: { type: 'string', pattern: '^[0-9]{5}$', maxLength: 5 } },
      examples: [{ postalCode: '01796' }],
      ...schema,
    },
    ...overrides,
  });
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The message loading a forms folder with this one definition fails with, and the file it names. */
function refusal(content: Record<string, unknown>, verify = true): { file: string; message: string } {
  const dir = mkdtempSync(join(tmpdir(), 'forms-authoring-'));
  tempDirs.push(dir);
  mkdirSync(join(dir, 'testantrag'));
  const file = join(dir, 'testantrag', 'v1.json');
  writeFileSync(file, JSON.stringify(content));
  try {
    loadFormCatalogue(dir, { verify });
  } catch (error) {
    if (!(error instanceof FormDefinitionError)) throw error;
    expect(error.file).toBe(file);
    return { file, message: error.message };
  }
  throw new Error('the definition was accepted');
}

describe('messages for form authors', () => {
  it('accepts the baseline definition the cases below break', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forms-authoring-'));
    tempDirs.push(dir);
    mkdirSync(join(dir, 'testantrag'));
    writeFileSync(join(dir, 'testantrag', 'v1.json'), JSON.stringify(definition()));
    expect(loadFormCatalogue(dir).get('testantrag')?.version).toBe(1);
  });

  it('a wrong $schema names the expected value', () => {
    const { message } = refusal(definition({ $schema: 'http://json-schema.org/draft-07/schema#' }));
    expect(message).toContain(`definition/schema/$schema must be equal to constant: expected "${DRAFT_2020_12}"`);
  });

  it('a required property missing from properties shows the documented fix', () => {
    const { message } = refusal(definition({ if: { properties: { postalCode: { const: '01796' } } }, then: { required: ['city'] } }));
    expect(message).toContain('required property "city" is not defined at "#/then"');
    expect(message).toContain('"then": { "required": ["city"], "properties": { "city": true } }');
  });

  it('an unknown keyword asks to check its spelling', () => {
    const { message } = refusal(definition({ properties: { postalCode: { type: 'string', maxlength: 5 } } }));
    expect(message).toMatch(/unknown keyword: "maxlength".*check its spelling/);
  });

  it('a schema that is no valid JSON Schema points into the schema, not at "data"', () => {
    const { message } = refusal(definition({ properties: { postalCode: { type: 'string', maxLength: -1 } } }));
    expect(message).toContain('/schema/properties/postalCode/maxLength must be >= 0');
  });

  it('a version without examples says where to put one', () => {
    // JSON.stringify leaves out a property whose value is undefined.
    const { message } = refusal(definition({ examples: undefined }));
    expect(message).toMatch(/schema has no "examples".*"examples": \[/);
  });

  it('an example the schema refuses names its pointer and the failing keyword', () => {
    const { file, message } = refusal(definition({ examples: [{ postalCode: '01796' }, { postalCode: '1796' }] }));
    expect(message).toBe(
      `${file}: schema/examples/1 is not valid data for this schema; fix the example or the schema: ` +
        '/schema/examples/1/postalCode does not have the expected format (pattern)',
    );
  });

  it('a malformed x-message names its pointer and the expected shape', () => {
    const postalCode = { type: 'string', pattern: '^[0-9]{5}$', 'x-message': { de: 'Bitte fünf Ziffern.' } };
    const { message } = refusal(definition({ properties: { postalCode } }));
    expect(message).toContain('"x-message" at /schema/properties/postalCode/x-message must be { "de": "...", "en": "..." }');
  });

  it('a property named x-message is a property, not the keyword', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forms-authoring-'));
    tempDirs.push(dir);
    mkdirSync(join(dir, 'testantrag'));
    const properties = { postalCode: { type: 'string', maxLength: 5 }, 'x-message': { type: 'string', maxLength: 5 } };
    writeFileSync(join(dir, 'testantrag', 'v1.json'), JSON.stringify(definition({ properties })));
    expect(loadFormCatalogue(dir).get('testantrag')).toBeDefined();
  });

  it('no message reads "undefined"', () => {
    const noId = definition();
    delete noId.id;
    const messages = [
      refusal(noId, false).message,
      refusal(definition({}, { version: undefined }), false).message,
      refusal(definition({ properties: { postalCode: { type: 'strnig' } } })).message,
      refusal(definition({ properties: { postalCode: { type: 'string', 'x-message': 'Bitte fünf Ziffern.' } } })).message,
      refusal(definition({ examples: [{}] })).message,
    ];
    for (const message of messages) expect(message).not.toMatch(/undefined/);
    expect(messages[0]).toContain('id (missing) does not match its folder "testantrag": set "id": "testantrag"');
  });
});
