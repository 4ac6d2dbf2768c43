import { describe, expect, it } from '@jest/globals';
import { attachmentSlots, attachmentSpecAt, attachmentsIn } from '#lib/attachments/fields.ts';
import { xAttachmentKeyword } from '#lib/attachments/keyword.ts';
import { createFormSchemaAjv } from '#lib/forms/validation.ts';

const photo = { mediaTypes: ['image/jpeg', 'image/png'], maxBytes: 5_242_880 };
const proof = { mediaTypes: ['application/pdf'], maxBytes: 1_000_000 };
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    name: { type: 'string' },
    photo: { type: 'string', 'x-attachment': photo },
    proofs: { type: 'array', maxItems: 3, items: { $ref: '#/$defs/proof' } },
    'a/b': { type: 'object', properties: { scan: { type: 'string', 'x-attachment': proof } } },
  },
  $defs: { proof: { type: 'string', 'x-attachment': proof } },
};
const ID = '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7';

describe('attachment fields of a form schema', () => {
  it('finds every slot, through $ref and array items', () => {
    expect(attachmentSlots(schema)).toEqual([
      { path: ['photo'], spec: photo },
      { path: ['proofs', '*'], spec: proof },
      { path: ['a/b', 'scan'], spec: proof },
    ]);
  });

  it.each([
    ['/photo', photo],
    ['/proofs/0', proof],
    ['/proofs/2', proof],
    ['/a~1b/scan', proof],
    ['/name', undefined],
    ['/proofs', undefined],
    ['/proofs/x', undefined],
    ['/proofs/01', undefined],
    ['photo', undefined],
  ])('the pointer %s names %j', (pointer, expected) => {
    expect(attachmentSpecAt(schema, pointer)).toEqual(expected);
  });

  it('lists the ids form data holds, with the pointers of their fields', () => {
    expect(attachmentsIn(schema, { name: 'x', photo: ID, proofs: [ID, 'B'], 'a/b': { scan: 'C' } })).toEqual([
      { field: '/photo', attachmentId: ID },
      { field: '/proofs/0', attachmentId: ID },
      { field: '/proofs/1', attachmentId: 'B' },
      { field: '/a~1b/scan', attachmentId: 'C' },
    ]);
    expect(attachmentsIn(schema, { name: 'x' })).toEqual([]);
  });
});

describe('the x-attachment keyword', () => {
  const compile = (spec: unknown) => createFormSchemaAjv().compile({ type: 'object', properties: { f: { type: 'string', 'x-attachment': spec } } });

  it.each([
    ['an unknown media type', { mediaTypes: ['image/gif'], maxBytes: 10 }],
    ['more than 20 MiB', { mediaTypes: ['image/png'], maxBytes: 20 * 1024 * 1024 + 1 }],
    ['no media type', { mediaTypes: [], maxBytes: 10 }],
    ['an unknown member', { mediaTypes: ['image/png'], maxBytes: 10, virusScan: false }],
  ])('refuses %s when a definition is checked', (_name, spec) => {
    expect(() => compile(spec)).toThrow();
  });

  it('accepts 20 MiB and takes only ids that can name a ticket', () => {
    const validate = compile({ mediaTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: 20 * 1024 * 1024 });
    expect(validate({ f: ID })).toBe(true);
    expect(validate({ f: 'passbild.jpg' })).toBe(false);
    expect(validate.errors?.[0]?.keyword).toBe(xAttachmentKeyword.keyword);
  });
});
