import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { listCasesQuery } from '#lib/api/schemas.ts';
import { CASE_STATUSES } from '#lib/cases/model.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { casesQueryOf } from '../../../functions/listCases/query.ts';

/** The answer of a parser: the query, or the problem it throws (as the client sees it). */
function outcome(parse: () => unknown): unknown {
  try {
    return { query: parse() };
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    return JSON.parse(JSON.stringify({ slug: error.slug, details: error.details })) as unknown;
  }
}

const queries = fc.dictionary(
  fc.oneof(fc.constantFrom('office', 'formId', 'status', 'limit', 'cursor', 'Status'), fc.string({ maxLength: 4 })),
  fc.oneof(
    fc.constantFrom(...CASE_STATUSES, 'RECEIVED', 'ordnungsamt', 'fischereischein', 'a', 'Amt', 'x-1', '1x', ''),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,70}$/),
    fc.stringMatching(/^[0-9]{0,4}$/),
    fc.constantFrom('1', '25', '100', '101', '0', '01', ' 1', '1e2'),
    fc.string({ maxLength: 6 }),
    fc.string({ minLength: 995, maxLength: 1005 }),
  ),
  { maxKeys: 4 },
);

describe('GET /cases query', () => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same query, or the same 400', () => {
    fc.assert(
      fc.property(queries, (query) => {
        expect(outcome(() => casesQueryOf(query))).toEqual(outcome(() => parseRequest(listCasesQuery, query, 'query')));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([[{}], [{ status: 'in_review', limit: '100' }], [{ office: 'Amt', status: 'x', limit: '0', other: '1' }], [{ formId: 'fischereischein', cursor: '' }]])('agrees on %j', (query) => {
    expect(outcome(() => casesQueryOf(query))).toEqual(outcome(() => parseRequest(listCasesQuery, query, 'query')));
  });
});
