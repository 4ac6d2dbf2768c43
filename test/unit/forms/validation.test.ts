import { describe, expect, it, jest } from '@jest/globals';
import type { FormDefinition } from '#lib/forms/catalogue.ts';
import {
  MAX_DATA_DEPTH,
  MAX_DATA_VALUES,
  MAX_ISSUES,
  createFormValidator,
} from '#lib/forms/validation.ts';
import type { Language, ValidationIssue } from '#lib/forms/validation.ts';
import { formCatalogue, sampleOf, syntheticForm } from '../../support/forms.ts';
import { agreeingFormValidator } from '../../support/validators.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const catalogue = formCatalogue();
// Every answer is also checked against the standalone code the build generates (test/support/validators.ts).
const validator = agreeingFormValidator();

function form(id: string, version?: number): FormDefinition {
  const found = catalogue.get(id, version);
  if (found === undefined) throw new Error(`no form ${id}`);
  return found;
}

/** A fresh copy of the first example of a form's latest version (`schema.examples`). */
function validSample(id: string): JsonObject {
  return sampleOf(id) as JsonObject;
}

function child(value: Json | undefined): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value;
}

function item(value: Json | undefined, index: number): JsonObject {
  if (!Array.isArray(value)) throw new Error('not an array');
  return child(value[index]);
}

function pointers(issues: ValidationIssue[]): string[] {
  return issues.map((issue) => issue.pointer);
}

function issueAt(issues: ValidationIssue[], pointer: string): ValidationIssue | undefined {
  return issues.find((issue) => issue.pointer === pointer);
}


describe('valid samples', () => {
  it.each(catalogue.list().map((definition) => definition.id))('the sample of %s passes its latest version', (id) => {
    expect(validator.validate(form(id), validSample(id), 'de')).toEqual([]);
  });

  it.each(catalogue.all().map((definition) => `${definition.id}@${definition.version}`))('every example of %s passes it', (key) => {
    const [id, version] = key.split('@') as [string, string];
    const definition = form(id, Number(version));
    const examples = definition.schema.examples as unknown[];
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(validator.validate(definition, structuredClone(example), 'en')).toEqual([]);
  });

  it('the fischereischein sample also passes version 1', () => {
    expect(validator.validate(form('fischereischein', 1), validSample('fischereischein'))).toEqual([]);
  });

  it('version 2 of fischereischein accepts the new delivery field that version 1 rejects', () => {
    const data = { ...validSample('fischereischein'), delivery: 'postversand' };
    expect(validator.validate(form('fischereischein', 2), data)).toEqual([]);
    expect(validator.validate(form('fischereischein', 1), data)).toEqual([
      { pointer: '/data/delivery', keyword: 'additionalProperties', message: 'ist nicht erlaubt' },
    ]);
  });
});

describe('reporting', () => {
  it('reports every failure at once', () => {
    const data = validSample('fischereischein');
    const applicant = child(data.applicant);
    applicant.email = 'keine-adresse';
    child(applicant.address).postalCode = '1796';
    delete data.consents;
    data.bemerkung = 'extra';
    const issues = validator.validate(form('fischereischein'), data, 'de');
    expect(pointers(issues).sort()).toEqual([
      '/data/applicant/address/postalCode',
      '/data/applicant/email',
      '/data/bemerkung',
      '/data/consents',
    ]);
  });

  it('points at a nested property', () => {
    const data = validSample('fischereischein');
    child(data.applicant).email = 'jonas.schneider@';
    expect(validator.validate(form('fischereischein'), data, 'de')).toEqual([
      { pointer: '/data/applicant/email', keyword: 'format', message: 'muss eine gültige E-Mail-Adresse sein' },
    ]);
  });

  it('points into arrays by index', () => {
    const data = validSample('schuelerbefoerderung');
    item(data.pupils, 1).grade = 14;
    child(item(data.pupils, 0).school).type = 'hogwarts';
    const issues = validator.validate(form('schuelerbefoerderung'), data, 'de');
    expect(issues).toEqual([
      // A labelled choice (oneOf of const + title) fails as one issue, worded as for an enum.
      { pointer: '/data/pupils/0/school/type', keyword: 'oneOf', message: 'muss einer der vorgegebenen Werte sein' },
      { pointer: '/data/pupils/1/grade', keyword: 'maximum', message: 'darf höchstens 13 sein' },
    ]);
  });

  it('points at the missing property for required', () => {
    const data = validSample('fischereischein');
    delete child(data.applicant).email;
    expect(validator.validate(form('fischereischein'), data, 'de')).toEqual([
      { pointer: '/data/applicant/email', keyword: 'required', message: 'muss angegeben werden' },
    ]);
  });

  it('points at the extra property for additionalProperties', () => {
    const data = validSample('wohngeld');
    child(data.dwelling).balcony = true;
    expect(validator.validate(form('wohngeld'), data, 'de')).toEqual([
      { pointer: '/data/dwelling/balcony', keyword: 'additionalProperties', message: 'ist nicht erlaubt' },
    ]);
  });

  it('escapes ~ and / in pointers as RFC 6901 demands', () => {
    const data = validSample('fischereischein');
    child(data.applicant)['a/b~c'] = 1;
    expect(pointers(validator.validate(form('fischereischein'), data, 'de'))).toEqual(['/data/applicant/a~1b~0c']);
  });

  it('points at the missing property for dependentRequired', () => {
    const dependent = syntheticForm('dependent', {
      properties: { iban: { type: 'string' }, bic: { type: 'string' } },
      dependentRequired: { bic: ['iban'] },
    });
    expect(validator.validate(dependent, { bic: 'COBADEFFXXX' }, 'en')).toEqual([
      { pointer: '/data/iban', keyword: 'dependentRequired', message: 'is required when "bic" is present' },
    ]);
  });

  it('points at the offending name for propertyNames', () => {
    const names = syntheticForm('names', {
      propertyNames: { pattern: '^[a-z]+$' },
      additionalProperties: { type: 'string' },
    });
    const issues = validator.validate(names, { Zahl1: 'x' }, 'de');
    expect(pointers(issues)).toEqual(['/data/Zahl1', '/data/Zahl1']);
    expect(issueAt(issues, '/data/Zahl1')?.keyword).toBe('pattern');
  });

  it('answers in German by default', () => {
    const data = validSample('wohngeld');
    delete data.bankAccount;
    expect(validator.validate(form('wohngeld'), data)).toEqual([
      { pointer: '/data/bankAccount', keyword: 'required', message: 'muss angegeben werden' },
    ]);
  });

  it('answers in English when asked', () => {
    const data = validSample('wohngeld');
    delete data.bankAccount;
    child(data.dwelling).rooms = 0;
    expect(validator.validate(form('wohngeld'), data, 'en')).toEqual([
      { pointer: '/data/bankAccount', keyword: 'required', message: 'is required' },
      { pointer: '/data/dwelling/rooms', keyword: 'minimum', message: 'must be at least 1' },
    ]);
  });

  it('falls back to German for a language it does not speak', () => {
    const issues = validator.validate(form('wohngeld'), [], 'fr' as Language);
    expect(issues).toEqual([{ pointer: '/data', keyword: 'type', message: 'muss eine Gruppe von Angaben sein' }]);
  });

  it('rejects data that is not an object', () => {
    for (const data of [null, [], 'text', 5]) {
      expect(validator.validate(form('wohngeld'), data, 'en')).toEqual([
        { pointer: '/data', keyword: 'type', message: 'must be a group of entries' },
      ]);
    }
  });
});

describe('conditions', () => {
  it('requires a guardian, and no fishing exam, for a youth licence', () => {
    const data = validSample('fischereischein');
    data.licenceType = 'jugendfischereischein';
    delete data.fishingExam;
    expect(validator.validate(form('fischereischein'), data, 'de')).toEqual([
      { pointer: '/data/guardian', keyword: 'required', message: 'muss angegeben werden' },
    ]);
    data.guardian = {
      familyName: 'Schneider',
      givenName: 'Katrin',
      relationship: 'mutter',
      email: 'katrin.schneider@example.de',
      consent: true,
    };
    expect(validator.validate(form('fischereischein'), data, 'de')).toEqual([]);
  });

  it('requires a passed fishing exam for any other licence', () => {
    const data = validSample('fischereischein');
    delete data.fishingExam;
    expect(pointers(validator.validate(form('fischereischein'), data, 'de'))).toEqual(['/data/fishingExam']);
    data.fishingExam = { passed: false, date: '2025-10-11' };
    expect(validator.validate(form('fischereischein'), data, 'de')).toEqual([
      { pointer: '/data/fishingExam/passed', keyword: 'const', message: 'muss bestätigt werden' },
    ]);
  });

  it('requires a description of a disability-related transport need', () => {
    const data = validSample('schuelerbefoerderung');
    delete item(data.pupils, 1).disabilityDescription;
    expect(validator.validate(form('schuelerbefoerderung'), data, 'de')).toEqual([
      { pointer: '/data/pupils/1/disabilityDescription', keyword: 'required', message: 'muss angegeben werden' },
    ]);
  });

  it('requires a bank account only when a pupil travels by private vehicle', () => {
    const data = validSample('schuelerbefoerderung');
    delete data.reimbursement;
    expect(pointers(validator.validate(form('schuelerbefoerderung'), data, 'de'))).toEqual(['/data/reimbursement']);
    item(data.pupils, 1).transport = 'oepnv';
    expect(validator.validate(form('schuelerbefoerderung'), data, 'de')).toEqual([]);
  });

  it('forbids owner details in a rent subsidy application', () => {
    const data = validSample('wohngeld');
    data.ownership = { propertyType: 'eigenheim', monthlyDebtService: 600, monthlyManagementCosts: 80, annualPropertyTax: 240 };
    expect(validator.validate(form('wohngeld'), data, 'de')).toEqual([
      { pointer: '/data/ownership', keyword: 'false schema', message: 'ist hier nicht erlaubt' },
    ]);
  });

  it('requires owner details, and no rent, in a homeowner subsidy application', () => {
    const data = validSample('wohngeld');
    data.subsidyType = 'lastenzuschuss';
    const issues = validator.validate(form('wohngeld'), data, 'en');
    expect(issues).toEqual([
      { pointer: '/data/ownership', keyword: 'required', message: 'is required' },
      { pointer: '/data/rent', keyword: 'false schema', message: 'is not allowed here' },
    ]);
  });

  it('requires the previous case number for a follow-up application', () => {
    const data = validSample('wohngeld');
    data.applicationType = 'weiterleistungsantrag';
    expect(pointers(validator.validate(form('wohngeld'), data, 'de'))).toEqual(['/data/previousCaseNumber']);
    data.previousCaseNumber = 'WG-2025-004711';
    expect(validator.validate(form('wohngeld'), data, 'de')).toEqual([]);
  });
});

describe('data stays as submitted', () => {
  it('does not coerce a numeric string into a number', () => {
    const data = validSample('schuelerbefoerderung');
    item(data.pupils, 0).distanceKm = '5';
    item(data.pupils, 0).grade = '3';
    const before = structuredClone(data);
    expect(validator.validate(form('schuelerbefoerderung'), data, 'en')).toEqual([
      { pointer: '/data/pupils/0/grade', keyword: 'type', message: 'must be a whole number' },
      { pointer: '/data/pupils/0/distanceKm', keyword: 'type', message: 'must be a number' },
    ]);
    expect(data).toEqual(before);
  });

  it('does not coerce "true" into a consent', () => {
    const data = validSample('wohngeld');
    child(data.consents).dataMatching = 'true';
    expect(pointers(validator.validate(form('wohngeld'), data, 'de'))).toEqual([
      '/data/consents/dataMatching',
      '/data/consents/dataMatching',
    ]);
  });

  it('leaves valid data unchanged', () => {
    for (const definition of catalogue.list()) {
      const data = validSample(definition.id);
      const before = structuredClone(data);
      validator.validate(definition, data, 'de');
      expect(data).toEqual(before);
    }
  });

  it('injects no defaults', () => {
    const withDefault = syntheticForm('with-default', {
      properties: { delivery: { type: 'string', enum: ['abholung', 'postversand'], default: 'abholung' } },
    });
    const data = {};
    expect(validator.validate(withDefault, data, 'de')).toEqual([]);
    expect(data).toEqual({});
  });
});

describe('prototype keys are plain data', () => {
  it('rejects __proto__ as an unknown property without polluting prototypes', () => {
    const data = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    const issues = validator.validate(form('fischereischein'), data, 'de');
    expect(issueAt(issues, '/data/__proto__')).toEqual({
      pointer: '/data/__proto__',
      keyword: 'additionalProperties',
      message: 'ist nicht erlaubt',
    });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('treats __proto__, constructor and prototype anywhere as ordinary property names', () => {
    // Built as JSON text: assigning `__proto__` in code would set the prototype instead.
    const text = JSON.stringify(validSample('fischereischein'))
      .replace('{', '{"__proto__":{"polluted":true},"prototype":{"polluted":true},')
      .replace('"applicant":{', '"applicant":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},');
    const data = JSON.parse(text) as unknown;
    const issues = validator.validate(form('fischereischein'), data, 'en');
    expect(pointers(issues).sort()).toEqual([
      '/data/__proto__',
      '/data/applicant/__proto__',
      '/data/applicant/constructor',
      '/data/prototype',
    ]);
    expect(issues.every((issue) => issue.keyword === 'additionalProperties')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('does not find a required "constructor" on Object.prototype', () => {
    const needsConstructor = syntheticForm('needs-constructor', {
      properties: { constructor: { type: 'string' } },
      required: ['constructor'],
    });
    expect(validator.validate(needsConstructor, {}, 'de')).toEqual([
      { pointer: '/data/constructor', keyword: 'required', message: 'muss angegeben werden' },
    ]);
  });
});

describe('messages never echo citizen input', () => {
  const MARKER = 'Zq9Marker';

  /** Every leaf replaced, and an unknown property named after the marker added to every object. */
  function planted(value: Json, leaf: (original: Json) => Json): Json {
    if (Array.isArray(value)) return value.map((entry) => planted(entry, leaf));
    if (typeof value === 'object' && value !== null) {
      const copy: JsonObject = {};
      for (const [key, entry] of Object.entries(value)) copy[key] = planted(entry, leaf);
      copy[`${MARKER}/~${MARKER}`] = MARKER;
      return copy;
    }
    return leaf(value);
  }

  const variants: Record<string, (original: Json) => Json> = {
    'marker strings': () => MARKER,
    'long marker strings': () => MARKER.repeat(500),
    'marker in valid-looking text': (original) => (typeof original === 'string' ? `${original}${MARKER}` : original),
    'marker objects': () => ({ [MARKER]: MARKER }),
    'marker arrays': () => [MARKER, MARKER],
  };

  const definitions = [...catalogue.list(), form('fischereischein', 1)];
  const cases = definitions.flatMap((definition) =>
    Object.keys(variants).flatMap((variant) =>
      (['de', 'en'] as Language[]).map((language) => [`${definition.id}@${definition.version}`, variant, language] as const),
    ),
  );

  it.each(cases)('%s with %s (%s)', (key, variant, language) => {
    const [id, version] = key.split('@') as [string, string];
    const leaf = variants[variant] as (original: Json) => Json;
    const issues = validator.validate(form(id, Number(version)), planted(validSample(id), leaf), language);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.message.toLowerCase()).not.toContain(MARKER.toLowerCase());
  });

  it('propertyNames, enum, const and uniqueItems messages omit the data too', () => {
    const strict = syntheticForm('strict', {
      propertyNames: { maxLength: 5 },
      additionalProperties: false,
      properties: {
        tags: { type: 'array', maxItems: 3, uniqueItems: true, items: { type: 'object' } },
        kind: { enum: ['a', 'b'] },
        fixed: { const: 'k' },
        either: { anyOf: [{ type: 'string', format: 'email' }, { type: 'string', format: 'date' }] },
      },
    });
    const data = { tags: [{ q: MARKER }, { q: MARKER }], kind: MARKER, fixed: MARKER, either: MARKER, [MARKER]: MARKER };
    for (const language of ['de', 'en'] as Language[]) {
      const issues = validator.validate(strict, data, language);
      expect(issues.length).toBeGreaterThanOrEqual(7);
      for (const issue of issues) expect(issue.message).not.toContain(MARKER);
    }
  });
});

describe('compilation', () => {
  it('compiles a form version once and reuses it', () => {
    const onCompile = jest.fn<(key: string) => void>();
    const cached = createFormValidator({ onCompile });
    cached.validate(form('wohngeld'), validSample('wohngeld'), 'de');
    cached.validate(form('wohngeld'), {}, 'en');
    expect(onCompile.mock.calls).toEqual([[`wohngeld@${form('wohngeld').version}`]]);
  });

  it('compiles each version of a form separately', () => {
    const onCompile = jest.fn<(key: string) => void>();
    const cached = createFormValidator({ onCompile });
    cached.validate(form('fischereischein', 2), {}, 'de');
    cached.validate(form('fischereischein', 1), {}, 'de');
    cached.validate(form('fischereischein', 2), {}, 'de');
    expect(onCompile.mock.calls).toEqual([['fischereischein@2'], ['fischereischein@1']]);
  });
});

describe('hostile input', () => {
  it('answers deeply nested data with one issue instead of overflowing the stack', () => {
    const depth = 100_000;
    const data = JSON.parse(`{"applicant":${'['.repeat(depth)}${']'.repeat(depth)}}`) as unknown;
    const issues = validator.validate(form('fischereischein'), data, 'en');
    expect(issues).toEqual([
      { pointer: '/data', keyword: 'maxDepth', message: `must not be nested more than ${MAX_DATA_DEPTH} levels deep` },
    ]);
  });

  it('accepts nesting up to the depth limit', () => {
    let nested: Json = 1;
    for (let level = 0; level < MAX_DATA_DEPTH - 1; level += 1) nested = [nested];
    const issues = validator.validate(form('fischereischein'), { applicant: nested }, 'en');
    expect(issueAt(issues, '/data/applicant')?.keyword).toBe('type');
  });

  it('answers a 256 KiB array with one issue', () => {
    const data = JSON.parse(`{"pupils":[${Array(87_000).fill('{}').join(',')}]}`) as unknown;
    const started = performance.now();
    const issues = validator.validate(form('schuelerbefoerderung'), data, 'de');
    expect(performance.now() - started).toBeLessThan(500);
    expect(issues).toEqual([
      { pointer: '/data', keyword: 'maxValues', message: `darf höchstens ${MAX_DATA_VALUES} Werte enthalten` },
    ]);
  });

  it('stays fast and bounded just under the size limit', () => {
    const data = { pupils: Array.from({ length: MAX_DATA_VALUES - 10 }, () => ({})) };
    const started = performance.now();
    const issues = validator.validate(form('schuelerbefoerderung'), data, 'de');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(issues).toHaveLength(MAX_ISSUES);
    expect(issueAt(issues, '/data/pupils')?.keyword).toBe('maxItems');
  });

  it('checks a 256 KiB string quickly', () => {
    const data = validSample('fischereischein');
    child(data.applicant).email = `${'a.'.repeat(128 * 1024)}@`;
    child(data.applicant).phone = `${'1 '.repeat(128 * 1024)}x`;
    const started = performance.now();
    const issues = validator.validate(form('fischereischein'), data, 'en');
    expect(performance.now() - started).toBeLessThan(500);
    expect(issues.map((issue) => `${issue.pointer} ${issue.keyword}`)).toEqual([
      '/data/applicant/email maxLength',
      '/data/applicant/email format',
      '/data/applicant/phone pattern',
    ]);
  });
});
