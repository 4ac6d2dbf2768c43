import { describe, expect, it } from '@jest/globals';
import { cellText, csvField, csvRow, neutralise } from '#lib/export/csv.ts';
import { parseCsv } from '../../support/csv.ts';

describe('CSV cells', () => {
  it.each(['=cmd|" /C calc"!A0', '+SUM(1,2)', '-2+3', '@SUM(A1)', '\tTAB', '\rCR'])('neutralises a cell that begins like a formula: %j', (value) => {
    expect(neutralise(value)).toBe(`'${value}`);
  });

  it('leaves other cells as they are', () => {
    expect(neutralise('Müller')).toBe('Müller');
    expect(neutralise("'quoted")).toBe("'quoted");
    expect(neutralise('a=b')).toBe('a=b');
  });

  it('quotes fields with commas, quotes, CR or LF and doubles quotes (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('plain')).toBe('plain');
  });

  it('ends rows with CRLF', () => {
    expect(csvRow(['a', 'b'])).toBe('a,b\r\n');
  });

  it('writes values as text: strings as they are, scalars as JSON, nothing as empty, arrays as JSON', () => {
    expect(cellText(undefined)).toBe('');
    expect(cellText(null)).toBe('');
    expect(cellText(true)).toBe('true');
    expect(cellText(2.5)).toBe('2.5');
    expect(cellText(['a', 'b'])).toBe('["a","b"]');
  });

  it('round-trips through a CSV parser: every value comes back, formula cells with their apostrophe', () => {
    const values = ['Müller, Anna', 'He said "no"', 'multi\r\nline', '=HYPERLINK("x")', '', ' spaced '];
    const parsed = parseCsv(csvRow(values) + csvRow(['x', 'y', 'z', 'w', 'v', 'u']));
    expect(parsed[0]).toEqual(['Müller, Anna', 'He said "no"', 'multi\r\nline', `'=HYPERLINK("x")`, '', ' spaced ']);
    expect(parsed[1]).toEqual(['x', 'y', 'z', 'w', 'v', 'u']);
  });
});
