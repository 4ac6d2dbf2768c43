import { describe, expect, test } from '@jest/globals';
import { checkProperties } from '../../../portal/src/form/check.ts';
import { matches } from '../../../portal/src/form/conditions.ts';
import { kindOf, pageProperties, pagesOf, submittable, visibleProperties } from '../../../portal/src/form/model.ts';
import { fieldId, valueAt, withValue } from '../../../portal/src/form/pointer.ts';
import { formCatalogue, sampleOf } from '../../support/forms.ts';

// How the portal reads a form's schema (portal/src/form): pages, conditions, what it submits, the
// checks of a page, pointers and field ids. Shipped forms are taken from the catalogue.

const conditional = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { title: 'Art', oneOf: [{ const: 'a', title: 'A' }, { const: 'b', title: 'B' }] },
    forA: { title: 'Nur für A', type: 'string', minLength: 2 },
    forB: { title: 'Nur für B', type: 'string' },
    always: { title: 'Immer', type: 'string', pattern: '^[0-9]{5}$' },
  },
  allOf: [
    { if: { required: ['kind'], properties: { kind: { const: 'a' } } }, then: { required: ['forA'], properties: { forB: false } } },
    { if: { required: ['kind'], properties: { kind: { const: 'b' } } }, then: { required: ['forB'] } },
  ],
};
const labelOf = (name: string, schema: Record<string, unknown>) => (typeof schema.title === 'string' ? schema.title : name);

describe('conditions', () => {
  test('a property a branch names shows only while that branch applies, and never where an applying branch forbids it', () => {
    const names = (value: unknown) => visibleProperties(conditional, conditional, value).map((property) => property.name);
    expect(names({})).toEqual(['kind', 'always']);
    expect(names({ kind: 'a' })).toEqual(['kind', 'forA', 'always']);
    expect(names({ kind: 'b' })).toEqual(['kind', 'forB', 'always']);
  });

  test('a branch that applies makes its properties required', () => {
    expect(visibleProperties(conditional, conditional, { kind: 'a' }).find((property) => property.name === 'forA')?.required).toBe(true);
    expect(visibleProperties(conditional, conditional, {}).find((property) => property.name === 'always')?.required).toBe(false);
  });

  test('matches the keywords conditions use: const, enum, required, contains, not', () => {
    expect(matches({}, { required: ['x'], properties: { x: { const: true } } }, { x: true })).toBe(true);
    expect(matches({}, { required: ['x'], properties: { x: { const: true } } }, { x: false })).toBe(false);
    expect(matches({}, { required: ['x'] }, {})).toBe(false);
    expect(matches({}, { enum: ['a', 'b'] }, 'c')).toBe(false);
    expect(matches({}, { contains: { properties: { t: { const: 'p' } }, required: ['t'] } }, [{ t: 'q' }, { t: 'p' }])).toBe(true);
    expect(matches({}, { not: { const: 1 } }, 1)).toBe(false);
  });
});

describe('what is submitted', () => {
  test('leaves out what the citizen cannot see, and what was left empty', () => {
    expect(submittable(conditional, conditional, { kind: 'a', forA: 'xy', forB: 'hidden', always: '' })).toEqual({ kind: 'a', forA: 'xy' });
  });

  test.each(formCatalogue().list().map((form) => [form.id]))('%s: its first example comes back unchanged', (id) => {
    const form = formCatalogue().get(id)!;
    expect(submittable(form.schema, form.schema, sampleOf(id))).toEqual(sampleOf(id));
  });
});

describe('pages', () => {
  test.each(formCatalogue().list().map((form) => [form.id]))('%s: every top-level property is on exactly one page', (id) => {
    const { schema } = formCatalogue().get(id)!;
    const placed = pagesOf(schema).flatMap((page) => page.names);
    expect(new Set(placed).size).toBe(placed.length);
    expect(placed.sort()).toEqual(Object.keys(schema.properties as object).sort());
  });

  test('a group is a page of its own; loose questions between groups share one', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' }, group: { type: 'object', properties: {} }, c: { type: 'string' } } };
    expect(pagesOf(schema).map((page) => page.names)).toEqual([['a', 'b'], ['group'], ['c']]);
  });

  test('the ui overlay sets the pages, their order and headings', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } };
    const ui = { pages: [{ title: { de: 'Zweites', en: 'Second' }, properties: ['/b'] }, { title: { de: 'Erstes', en: 'First' }, properties: ['/a'] }] };
    expect(pagesOf(schema, ui)).toEqual([{ title: ui.pages[0]!.title, names: ['b'] }, { title: ui.pages[1]!.title, names: ['a'] }]);
    expect(pageProperties(schema, pagesOf(schema, ui)[0]!, {}).map((property) => property.name)).toEqual(['b']);
  });

  test('each kind of field is recognised', () => {
    const root = {};
    expect(kindOf(root, { type: 'string', format: 'date' })).toBe('date');
    expect(kindOf(root, { type: 'boolean', const: true })).toBe('consent');
    expect(kindOf(root, { type: 'boolean' })).toBe('yes-no');
    expect(kindOf(root, { type: 'string', enum: ['a'] })).toBe('choice');
    expect(kindOf(root, { type: 'string', 'x-attachment': {} })).toBe('file');
    expect(kindOf(root, { type: 'array', items: { type: 'string', 'x-attachment': {} } })).toBe('files');
    expect(kindOf(root, { type: 'array', items: { type: 'object' } })).toBe('list');
    expect(kindOf(root, { type: 'integer' })).toBe('integer');
  });
});

describe('the checks of a page', () => {
  const check = (value: unknown) => checkProperties(conditional, visibleProperties(conditional, conditional, value), value, '', 'de', labelOf);

  test('names what is missing and what is malformed, by pointer, in German', () => {
    expect(check({})).toEqual([{ pointer: '/kind', message: 'Bitte wählen Sie bei „Art“ eine Antwort aus.' }]);
    expect(check({ kind: 'a', forA: 'x', always: '123' })).toEqual([
      { pointer: '/forA', message: '„Nur für A“ muss mindestens 2 Zeichen lang sein.' },
      { pointer: '/always', message: '„Immer“ hat nicht das erwartete Format.' },
    ]);
    expect(check({ kind: 'a', forA: 'xy', always: '12345' })).toEqual([]);
  });

  test('an empty required group reports its own required fields', () => {
    const schema = { type: 'object', required: ['who'], properties: { who: { type: 'object', required: ['name'], properties: { name: { title: 'Name', type: 'string' } } } } };
    expect(checkProperties(schema, visibleProperties(schema, schema, {}), {}, '', 'en', labelOf)).toEqual([{ pointer: '/who/name', message: 'Enter “Name”.' }]);
  });

  test('dates must be real dates', () => {
    const schema = { type: 'object', required: ['d'], properties: { d: { title: 'Datum', type: 'string', format: 'date' } } };
    const errors = (d: string) => checkProperties(schema, visibleProperties(schema, schema, { d }), { d }, '', 'de', labelOf);
    expect(errors('2026-02-30')).toHaveLength(1);
    expect(errors('2026-02-28')).toEqual([]);
  });
});

describe('pointers', () => {
  test('write and read through objects, and keep __proto__ a plain key', () => {
    const data = withValue(withValue({}, '/a/b', 1), '/__proto__', 'x');
    expect(valueAt(data, '/a/b')).toBe(1);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(valueAt(data, '/__proto__')).toBe('x');
    expect(valueAt(withValue(data, '/a/b', undefined), '/a')).toEqual({});
  });

  test('field ids are unique per pointer and valid in HTML', () => {
    const pointers = ['/a/b', '/a-b', '/a~1b', '/a/0', '/ä'];
    const ids = pointers.map(fieldId);
    expect(new Set(ids).size).toBe(pointers.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
  });
});
