import { describe, expect, it } from '@jest/globals';
import { MAX_DATA_DEPTH, MAX_DATA_VALUES } from '#lib/forms/issues.ts';
import { validInstanceBound, validInstancesWithinLimits } from '#lib/forms/structure.ts';
import { createFormValidator } from '#lib/forms/validation.ts';
import { formCatalogue, syntheticForm } from '../../support/forms.ts';

/** The measure the structural walk takes of data: values (every node) and the deepest container's level. */
function measure(value: unknown, depth = 0): { values: number; depth: number } {
  if (typeof value !== 'object' || value === null) return { values: 1, depth: -1 };
  const children = Object.values(value).map((child) => measure(child, depth + 1));
  return { values: 1 + children.reduce((sum, child) => sum + child.values, 0), depth: 1 + Math.max(-1, ...children.map((child) => child.depth)) };
}

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', additionalProperties: false, properties, ...extra });

describe('the bound a schema puts on valid data', () => {
  it.each(formCatalogue().all().map((form) => [`${form.id}@${form.version}`, form] as const))('holds every example of %s', (_, form) => {
    const bound = validInstanceBound(form.schema);
    for (const example of form.schema.examples as unknown[]) {
      const measured = measure(example);
      expect(measured.values).toBeLessThanOrEqual(bound.values);
      expect(measured.depth).toBeLessThanOrEqual(bound.depth);
    }
  });

  it('counts objects closed by additionalProperties: false, arrays by maxItems, and scalars', () => {
    const schema = object({ name: { type: 'string' }, children: { type: 'array', maxItems: 3, items: object({ age: { type: 'integer' } }) } });
    // root + name + children array + 3 × (object + age)
    expect(validInstanceBound(schema)).toEqual({ values: 1 + 1 + 1 + 3 * 2, depth: 2 });
  });

  it('follows local $refs, const and enum, and the widest branch of anyOf and if/then/else', () => {
    const schema = {
      ...object({
        address: { $ref: '#/$defs/address' },
        kind: { enum: ['a', ['b', 'c']] },
        choice: { anyOf: [{ type: 'string' }, object({ a: { type: 'string' }, b: { type: 'string' } })] },
      }),
      $defs: { address: object({ street: { type: 'string' } }) },
    };
    expect(validInstanceBound(schema)).toEqual({ values: 1 + 2 + 3 + 3, depth: 1 });
  });

  it.each([
    ['an array without maxItems', object({ list: { type: 'array', items: { type: 'string' } } })],
    ['an object open to other properties', { type: 'object', properties: { a: { type: 'string' } } }],
    ['an object with patternProperties', object({}, { patternProperties: { '^x': { type: 'string' } } })],
    ['a property without a type', object({ anything: {} })],
    ['a property that is true', object({ anything: true })],
    ['an array of more values than the limit', object({ list: { type: 'array', maxItems: MAX_DATA_VALUES, items: { type: 'string' } } })],
  ])('leaves %s unbounded', (_, schema) => {
    expect(validInstancesWithinLimits(schema)).toBe(false);
  });

  it('is unbounded for nesting deeper than the limit', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level <= MAX_DATA_DEPTH + 1; level++) schema = object({ inner: schema });
    expect(validInstancesWithinLimits(schema)).toBe(false);
  });
});

describe('valid data of a schema that does not bound it', () => {
  it('is still measured: beyond the limits it is refused as before', () => {
    const form = syntheticForm('offen', { additionalProperties: false, properties: { list: { type: 'array', items: { type: 'integer' } } } });
    expect(validInstancesWithinLimits(form.schema)).toBe(false);
    const issues = createFormValidator().validate(form, { list: Array.from({ length: MAX_DATA_VALUES }, (_, i) => i) }, 'en');
    expect(issues.map((issue) => issue.keyword)).toEqual(['maxValues']);
  });
});
