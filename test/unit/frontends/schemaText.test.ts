import { describe, expect, test } from '@jest/globals';
import { choiceLabel, choicesOf, fieldLabel, formatDate, formatDateTime, resolveRef, valueText } from '../../../console/shared/schemaText.ts';

const words = { yes: 'ja', no: 'nein', empty: '—' };

describe('choices', () => {
  const licence = {
    type: 'string',
    oneOf: [
      { const: 'jahresfischereischein', title: 'Jahresfischereischein', 'x-title-en': 'One-year licence' },
      { const: 'fuenfjahresfischereischein', title: 'Fünfjahresfischereischein' },
    ],
  };

  test('a oneOf of const + title offers its titles in the form order', () => {
    expect(choicesOf(licence)).toEqual([
      { value: 'jahresfischereischein', label: 'Jahresfischereischein' },
      { value: 'fuenfjahresfischereischein', label: 'Fünfjahresfischereischein' },
    ]);
  });

  test('English takes x-title-en where the form gives one, else the German title', () => {
    expect(choicesOf(licence, 'en')?.map((choice) => choice.label)).toEqual(['One-year licence', 'Fünfjahresfischereischein']);
  });

  test('a chosen value reads as its label, never as the internal value', () => {
    expect(valueText(licence, 'fuenfjahresfischereischein', 'de', words)).toBe('Fünfjahresfischereischein');
    expect(choiceLabel(licence, 'unknown')).toBeUndefined();
  });

  test('a plain enum is a choice labelled by its values', () => {
    expect(choicesOf({ enum: ['a', 'b'] })).toEqual([
      { value: 'a', label: 'a' },
      { value: 'b', label: 'b' },
    ]);
  });

  test('a oneOf of sub-schemas is no choice', () => {
    expect(choicesOf({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toBeUndefined();
  });
});

describe('dates', () => {
  test('a calendar date reads dd.mm.yyyy in German and day month year in English', () => {
    expect(formatDate('1988-04-17')).toBe('17.04.1988');
    expect(formatDate('1988-04-17', 'en')).toBe('17 April 1988');
  });

  test('what is no date comes back unchanged', () => {
    expect(formatDate('17.04.1988')).toBe('17.04.1988');
    expect(formatDate('1988-13-01')).toBe('1988-13-01');
  });

  test('a date-typed value is shown in the reader format, other strings as they are', () => {
    expect(valueText({ type: 'string', format: 'date' }, '2001-02-03', 'de', words)).toBe('03.02.2001');
    expect(valueText({ type: 'string' }, '2001-02-03', 'de', words)).toBe('2001-02-03');
  });

  test('a point in time reads in the given time zone', () => {
    expect(formatDateTime('2026-11-27T23:35:10.123Z', 'de', 'Europe/Berlin')).toBe('28.11.2026, 00:35');
    expect(formatDateTime('2026-11-27T13:35:10.123Z', 'en', 'UTC')).toBe('27 November 2026, 13:35');
  });
});

describe('labels and references', () => {
  test('a field is labelled by its title, in English by x-title-en or its spelled-out name', () => {
    expect(fieldLabel('familyName', { title: 'Familienname' }, 'de')).toBe('Familienname');
    expect(fieldLabel('familyName', { title: 'Familienname' }, 'en')).toBe('Family name');
    expect(fieldLabel('familyName', { title: 'Familienname', 'x-title-en': 'Surname' }, 'en')).toBe('Surname');
  });

  test('a local $ref resolves to its target with the siblings kept', () => {
    const root = { $defs: { address: { type: 'object', title: 'Anschrift' } } };
    expect(resolveRef(root, { $ref: '#/$defs/address', description: 'x' })).toEqual({ type: 'object', title: 'Anschrift', description: 'x' });
  });

  test('booleans and empty values use the caller words', () => {
    expect(valueText({ type: 'boolean' }, true, 'de', words)).toBe('ja');
    expect(valueText({}, '', 'de', words)).toBe('—');
  });
});
