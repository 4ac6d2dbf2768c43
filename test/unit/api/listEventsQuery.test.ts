import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { listEventsQuery } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { eventsQueryOf } from '../../../functions/listEvents/query.ts';

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
  fc.oneof(fc.constantFrom('limit', 'cursor', 'Limit'), fc.string({ maxLength: 4 })),
  fc.oneof(
    fc.stringMatching(/^[0-9]{0,4}$/),
    fc.constantFrom('1', '100', '500', '501', '999', '0', '000', '01', ' 1', '1.0', '-1', '1e2', ''),
    fc.string({ maxLength: 6 }),
    fc.string({ minLength: 995, maxLength: 1005 }),
  ),
  { maxKeys: 3 },
);

describe('GET /cases/{caseId}/events query', () => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same query, or the same 400', () => {
    fc.assert(
      fc.property(queries, (query) => {
        expect(outcome(() => eventsQueryOf(query))).toEqual(outcome(() => parseRequest(listEventsQuery, query, 'query')));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([[{}], [{ limit: '500' }], [{ limit: '501', cursor: '' }], [{ limit: 'x', other: '1' }], [{ cursor: 'c'.repeat(1001) }]])('agrees on %j', (query) => {
    expect(outcome(() => eventsQueryOf(query))).toEqual(outcome(() => parseRequest(listEventsQuery, query, 'query')));
  });
});
