import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { exportCasesQuery } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { exportQueryOf } from '../../../functions/exportCases/query.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

// The export's query (GET /cases/export), parsed by hand, against the zod shape the OpenAPI
// document is generated from: the same query (bounds in UTC with milliseconds), or the same 400.

const offset = fc.oneof(
  fc.constant('Z'),
  fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 })).map(([sign, h, m]) => `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  fc.constantFrom('z', '+0100', '+01', ''),
);
const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{1,12}$/), fc.constantFrom('.', '.5', '.123', '.1234567'));
/** RFC 3339-like instants around the edges of what a bound may be: years 0000 and 9999, leap days, offsets moving the day. */
const instant = fc.oneof(
  fc
    .tuple(fc.date({ min: new Date('-000001-06-01T00:00:00Z'), max: new Date('+010000-06-01T00:00:00Z'), noInvalidDate: true }), fraction, offset)
    .map(([date, frac, zone]) => `${date.toISOString().slice(0, 19)}${frac}${zone}`),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fraction, offset).map(
    ([y, mo, d, h, frac, zone]) => `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:30:59${frac}${zone}`,
  ),
  fc.constantFrom(
    '2026-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '0000-01-01T00:30:00+01:00',
    '9999-12-31T23:30:00-01:00',
    '9999-12-31T23:59:59.999Z',
    '2026-12-07T10:00:00.000Z',
    '2026-12-07T10:00:00Z',
    '2026-12-07T11:00:00+01:00',
    '2026-12-07T10:00Z',
    '2026-12-07',
    '2026-12-07T24:00:00Z',
    '2026-12-07T10:00:60Z',
    ' 2026-12-07T10:00:00Z',
  ),
  fc.string({ maxLength: 6 }),
);
const value = fc.oneof(
  instant,
  fc.constantFrom('ordnungsamt', 'fischereischein', 'Amt', 'a', 'csv', 'json', 'CSV', 'xml', ''),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,70}$/),
  fc.constantFrom(null, 1, [], ['a'], { length: 3 }),
);
const queries = fc.oneof(
  fc.record({ formId: value, office: value, from: instant, to: instant, format: value, other: value }, { requiredKeys: [] }),
  fc.record({ formId: fc.constant('fischereischein'), from: instant, to: instant }),
  fc.dictionary(fc.oneof(fc.constantFrom('office', 'formId', 'from', 'to', 'format', 'From', '__proto__'), fc.string({ maxLength: 4 })), value, { maxKeys: 5 }),
);

describe('the query of GET /cases/export', () => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same query, or the same 400', () => {
    fc.assert(
      fc.property(queries, (query) => {
        expect(outcome(() => exportQueryOf(query))).toEqual(outcome(() => parseRequest(exportCasesQuery, query, 'query')));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    [{ formId: 'fischereischein' }],
    [{ formId: 'fischereischein', office: 'ordnungsamt', from: '2026-12-07T11:00:00+01:00', to: '2026-12-08T00:00:00Z', format: 'json' }],
    // the same instant written twice: `to` is not after `from`
    [{ formId: 'fischereischein', from: '2026-12-07T11:00:00+01:00', to: '2026-12-07T10:00:00.000Z' }],
    // the order is still checked beside an unknown key or a bad format, not beside a wrong value
    [{ formId: 'fischereischein', from: '2026-12-08T00:00:00Z', to: '2026-12-07T00:00:00Z', other: '1' }],
    [{ formId: 'Fischereischein', from: '2026-12-08T00:00:00Z', to: '2026-12-07T00:00:00Z' }],
    [{ formId: 'fischereischein', from: '2026-12-08T00:00:00Z', to: '2026-12-07T00:00:00Z', format: 'xml' }],
    [{ formId: 'fischereischein', from: 'x', to: '2026-12-07T00:00:00Z' }],
    // an offset that moves the instant out of the years 0000-9999
    [{ formId: 'fischereischein', from: '0000-01-01T00:30:00+01:00' }],
    [{ formId: 'fischereischein', to: '9999-12-31T23:30:00-01:00' }],
    [{ office: 'ordnungsamt' }],
  ])('agrees on %j', (query) => {
    expect(outcome(() => exportQueryOf(query))).toEqual(outcome(() => parseRequest(exportCasesQuery, query, 'query')));
  });
});
