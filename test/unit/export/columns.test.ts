import { describe, expect, it } from '@jest/globals';
import { columnsOf, leafPointers, valueAt } from '#lib/export/columns.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { formsDir } from '../../../infra/local/paths.ts';

const schema = {
  type: 'object',
  properties: {
    applicant: {
      type: 'object',
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
    },
    'a/b~c': { type: 'string' },
    children: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
  },
  if: { properties: { kind: { const: 'x' } } },
  then: { properties: { guardian: { type: 'object', properties: { name: { type: 'string' } } } } },
  $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
};

describe('export columns', () => {
  it('lists every leaf pointer: nested objects, $refs, branch properties, escaped names; an array is one leaf', () => {
    expect(leafPointers(schema)).toEqual([
      '/applicant/name',
      '/applicant/address/street',
      '/applicant/address/city',
      '/a~1b~0c',
      '/children',
      '/kind',
      '/guardian/name',
    ]);
  });

  it('unites the pointers of several versions, first appearance first', () => {
    const older = { type: 'object', properties: { gone: { type: 'string' }, 'a/b~c': { type: 'string' } } };
    expect(columnsOf([schema, older]).slice(-1)).toEqual(['/gone']);
  });

  it('reads a value at a pointer, own properties only', () => {
    const data = { applicant: { address: { city: 'Pirna' } }, 'a/b~c': 'x', children: [{ name: 'A' }] };
    expect(valueAt(data, '/applicant/address/city')).toBe('Pirna');
    expect(valueAt(data, '/a~1b~0c')).toBe('x');
    expect(valueAt(data, '/children/0/name')).toBe('A');
    expect(valueAt(data, '/applicant/toString')).toBeUndefined();
    expect(valueAt(data, '/missing/deeper')).toBeUndefined();
  });

  it('finds a column for every value of every example of every published form version', () => {
    const catalogue = loadFormCatalogue(formsDir(), { verify: false });
    for (const form of catalogue.all()) {
      const columns = columnsOf(catalogue.all().filter((candidate) => candidate.id === form.id).map((candidate) => candidate.schema));
      const examples = (form.schema.examples ?? []) as Record<string, unknown>[];
      for (const example of examples) {
        const leaves: string[] = [];
        const walk = (value: unknown, pointer: string): void => {
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
            for (const [key, child] of Object.entries(value)) walk(child, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
          } else leaves.push(pointer);
        };
        walk(example, '');
        for (const leaf of leaves) expect(columns).toContain(leaf);
      }
    }
  });
});
