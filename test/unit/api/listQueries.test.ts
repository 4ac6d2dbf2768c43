import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { listCasesQuery, listEventsQuery } from '#lib/api/schemas.ts';
import { CASE_STATUSES } from '#lib/cases/model.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { casesQueryOf } from '../../../functions/listCases/query.ts';
import { eventsQueryOf } from '../../../functions/listEvents/query.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

// The clerk lists' queries, parsed by hand, against the zod shapes the OpenAPI document is
// generated from: the same query, or the same 400.

const value = fc.oneof(
  fc.constantFrom(...CASE_STATUSES, 'RECEIVED', 'ordnungsamt', 'fischereischein', 'a', 'Amt', 'x-1', '1x', ''),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,70}$/),
  fc.stringMatching(/^[0-9]{0,4}$/),
  fc.constantFrom('1', '25', '100', '101', '500', '501', '999', '0', '000', '01', ' 1', '1.0', '-1', '1e2'),
  fc.string({ maxLength: 6 }),
  fc.string({ minLength: 995, maxLength: 1005 }),
  // zod counts a string's length in code points: characters of two UTF-16 units around the cursor's limit.
  fc.string({ unit: 'binary', minLength: 995, maxLength: 1005 }),
  fc.constantFrom('😀'.repeat(600), '😀'.repeat(1000), '😀'.repeat(1001), `${'c'.repeat(999)}😀`),
);
const queries = fc.dictionary(fc.oneof(fc.constantFrom('office', 'formId', 'status', 'limit', 'cursor', 'Status', 'Limit'), fc.string({ maxLength: 4 })), value, { maxKeys: 4 });

const LISTS = [
  ['GET /cases', (query: Record<string, string>) => casesQueryOf(query), (query: Record<string, string>) => parseRequest(listCasesQuery, query, 'query')],
  ['GET /cases/{caseId}/events', (query: Record<string, string>) => eventsQueryOf(query), (query: Record<string, string>) => parseRequest(listEventsQuery, query, 'query')],
] as const;

describe.each(LISTS)('the query of %s', (_route, byHand, byZod) => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same query, or the same 400', () => {
    fc.assert(
      fc.property(queries, (query) => {
        expect(outcome(() => byHand(query))).toEqual(outcome(() => byZod(query)));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([[{}], [{ status: 'in_review', limit: '100' }], [{ office: 'Amt', status: 'x', limit: '0', other: '1' }], [{ formId: 'fischereischein', cursor: '' }], [{ cursor: 'c'.repeat(1001) }], [{ cursor: '😀'.repeat(600) }], [{ cursor: '😀'.repeat(1001) }]])(
    'agrees on %j',
    (query) => {
      expect(outcome(() => byHand(query))).toEqual(outcome(() => byZod(query)));
    },
  );
});
