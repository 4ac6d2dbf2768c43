import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import type { FormDefinition } from '#lib/forms/catalogue.ts';
import type { Language } from '#lib/forms/validation.ts';
import { formCatalogue, sampleOf, syntheticForm } from '../../support/forms.ts';
import { agreeingFormValidator } from '../../support/validators.ts';

// What a citizen reads: never a regular expression, a format's or keyword's name, or "schema".

// Every answer is also checked against the standalone code the build generates (test/support/validators.ts).
const validator = agreeingFormValidator();

let forms = 0;

/** A form around a hand-written schema; each its own id, as the validator compiles once per id and version. */
function form(schema: Record<string, unknown>): FormDefinition {
  forms += 1;
  return syntheticForm(`messages-${forms}`, schema);
}

const message = (schema: Record<string, unknown>, data: unknown, language: Language): string[] =>
  validator.validate(form(schema), data, language).map((issue) => issue.message);

describe('default messages', () => {
  const postalCode = { properties: { postalCode: { type: 'string', pattern: '^[0-9]{5}$' } } };

  it('a pattern is "not the expected format", without the regular expression', () => {
    expect(message(postalCode, { postalCode: '1796' }, 'de')).toEqual(['hat nicht das erwartete Format']);
    expect(message(postalCode, { postalCode: '1796' }, 'en')).toEqual(['does not have the expected format']);
  });

  it('an unticked consent box (const: true) must be confirmed', () => {
    const consent = { properties: { truthfulness: { type: 'boolean', const: true } } };
    expect(message(consent, { truthfulness: false }, 'de')).toEqual(['muss bestätigt werden']);
    expect(message(consent, { truthfulness: false }, 'en')).toEqual(['must be confirmed']);
  });

  it('another const gets a neutral message', () => {
    const fixed = { properties: { kind: { const: 'neu' } } };
    expect(message(fixed, { kind: 'alt' }, 'de')).toEqual(['hat nicht den erwarteten Wert']);
    expect(message(fixed, { kind: 'alt' }, 'en')).toEqual(['does not have the expected value']);
  });

  it.each([
    ['email', 'x@', 'muss eine gültige E-Mail-Adresse sein', 'must be a valid e-mail address'],
    ['date', '2026-02-30', 'muss ein gültiges Datum sein (JJJJ-MM-TT)', 'must be a valid date (YYYY-MM-DD)'],
    ['date-time', 'gestern', 'muss ein gültiger Zeitpunkt mit Datum und Uhrzeit sein', 'must be a valid date and time'],
    ['time', '25:00', 'muss eine gültige Uhrzeit sein', 'must be a valid time'],
    ['uri', 'kein link', 'muss eine gültige Internetadresse sein', 'must be a valid web address'],
    ['uuid', '123', 'muss eine gültige Kennung sein', 'must be a valid identifier'],
    ['ipv4', '300.1.1.1', 'muss eine gültige IP-Adresse sein', 'must be a valid IP address'],
    ['regex', '(', 'hat nicht das erwartete Format', 'does not have the expected format'],
  ])('format %s has a human message', (format, value, de, en) => {
    const schema = { properties: { field: { type: 'string', format } } };
    expect(message(schema, { field: value }, 'de')).toEqual([de]);
    expect(message(schema, { field: value }, 'en')).toEqual([en]);
  });

  it('bounds read as words, numbers in the language', () => {
    const schema = {
      properties: {
        rooms: { type: 'integer', minimum: 1, maximum: 20 },
        rent: { type: 'number', exclusiveMinimum: 0 },
        fee: { type: 'number', multipleOf: 0.01 },
        name: { type: 'string', minLength: 1, maxLength: 3 },
        pupils: { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true },
      },
    };
    const data = { rooms: 21, rent: 0, fee: 0.001, name: 'Anna', pupils: [1, 1, 2] };
    expect(message(schema, data, 'de')).toEqual([
      'darf höchstens 20 sein',
      'muss größer als 0 sein',
      'muss ein Vielfaches von 0,01 sein',
      'darf höchstens 3 Zeichen lang sein',
      'darf höchstens 2 Einträge enthalten',
      'darf keine doppelten Einträge enthalten',
    ]);
    expect(message(schema, { rooms: 0, name: '', pupils: [] }, 'en')).toEqual([
      'must be at least 1',
      'must not be empty',
      'must contain at least one entry',
    ]);
  });

  it('alternatives and types say what is expected, not "schema" or a type name', () => {
    const schema = {
      properties: {
        contact: { anyOf: [{ type: 'string', format: 'email' }, { type: 'string', pattern: '^[0-9 ]+$' }] },
        count: { type: 'integer' },
        consent: { type: 'boolean' },
      },
    };
    expect(message(schema, { contact: 'x', count: '3', consent: 'ja' }, 'de')).toEqual([
      'muss eine gültige E-Mail-Adresse sein',
      'hat nicht das erwartete Format',
      'entspricht keiner der zulässigen Möglichkeiten',
      'muss eine ganze Zahl sein',
      'muss ja oder nein sein',
    ]);
  });

  describe('what the catalogue\'s forms can answer', () => {
    const INTERNALS = /[\^$\\"<>=]|schema|pattern|const|undefined|attribut|integer|boolean|object|\bstring\b/i;
    /** Every leaf replaced by something that breaks it: a wrong type, a too long or malformed text, a negative number. */
    function broken(value: unknown, leaf: (original: unknown) => unknown): unknown {
      if (Array.isArray(value)) return [...value.map((entry) => broken(entry, leaf)), ...value.map((entry) => broken(entry, leaf))];
      if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, broken(entry, leaf)]));
      }
      return leaf(value);
    }
    const leaves: Record<string, (original: unknown) => unknown> = {
      'malformed texts': (original) => (typeof original === 'string' ? `${original}#` : original),
      'overlong texts': (original) => (typeof original === 'string' ? original.repeat(400) : original),
      'empty texts': (original) => (typeof original === 'string' ? '' : original),
      'negative numbers and false': (original) => (typeof original === 'number' ? -1.5 : original === true ? false : original),
      'wrong types': (original) => (typeof original === 'string' ? 7 : typeof original === 'number' ? 'sieben' : typeof original === 'boolean' ? 'ja' : original),
    };
    const cases = formCatalogue()
      .all()
      .flatMap((definition) => Object.keys(leaves).map((variant) => [`${definition.id}@${definition.version}`, variant] as const));

    it.each(cases)('%s with %s', (key, variant) => {
      const [id, version] = key.split('@') as [string, string];
      const definition = formCatalogue().get(id, Number(version)) as FormDefinition;
      const data = broken(sampleOf(id, Number(version)), leaves[variant] as (original: unknown) => unknown);
      for (const language of ['de', 'en'] as Language[]) {
        const issues = validator.validate(definition, data, language);
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) expect(issue.message).not.toMatch(INTERNALS);
        for (const issue of issues) expect(issue.message).not.toMatch(/NOT /); // ajv-i18n's English shouting
      }
    });
  });
});

describe('an author\'s own message (x-message)', () => {
  const xMessage = { de: 'Bitte die fünfstellige Postleitzahl angeben.', en: 'Please give the five-digit postcode.' };
  const schema = {
    required: ['postalCode'],
    properties: { postalCode: { type: 'string', pattern: '^[0-9]{5}$', maxLength: 5, 'x-message': xMessage } },
  };

  it('replaces the messages of the keywords beside it, in German and English', () => {
    expect(message(schema, { postalCode: '1796' }, 'de')).toEqual([xMessage.de]);
    expect(message(schema, { postalCode: '017960' }, 'en')).toEqual([xMessage.en, xMessage.en]);
    expect(message(schema, { postalCode: 1796 }, 'de')).toEqual([xMessage.de]);
  });

  it('leaves a missing field to the default message (the pointer names the field)', () => {
    expect(message(schema, {}, 'de')).toEqual(['muss angegeben werden']);
  });

  it('does not apply to the keywords of nested subschemas', () => {
    const nested = { properties: { address: { type: 'object', 'x-message': xMessage, properties: { city: { type: 'string', maxLength: 3 } } } } };
    expect(message(nested, { address: { city: 'Pirna' } }, 'en')).toEqual(['must be at most 3 characters long']);
    expect(message(nested, { address: 'Pirna' }, 'en')).toEqual([xMessage.en]);
  });
});

describe('the number formats', () => {
  it('are made on the first message with a number, not when the module loads (submit\'s cold start)', () => {
    // A fresh process: in this one the module is loaded already. Counts every Intl.NumberFormat made.
    const script = `
      let made = 0;
      const NumberFormat = Intl.NumberFormat;
      Intl.NumberFormat = function (...args) { made += 1; return new NumberFormat(...args); };
      const { citizenMessage } = await import(${JSON.stringify(new URL('../../../functions/lib/forms/messages.ts', import.meta.url).href)});
      const atLoad = made;
      const maximum = (language) => citizenMessage({ keyword: 'maximum', params: { limit: 1500.5 } }, language);
      const messages = [maximum('de'), maximum('de'), maximum('en')];
      process.stdout.write(JSON.stringify({ atLoad, messages, made }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ atLoad: 0, messages: ['darf höchstens 1.500,5 sein', 'darf höchstens 1.500,5 sein', 'must be at most 1,500.5'], made: 2 });
  });
});
