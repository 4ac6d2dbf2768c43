import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formVersionQuery } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { formVersionOf } from '../../../functions/getForm/query.ts';

/** The answer of a parser: the version, or the problem it throws (as the client sees it). */
function outcome(parse: () => number | undefined): unknown {
  try {
    return { version: parse() };
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    return JSON.parse(JSON.stringify({ slug: error.slug, details: error.details })) as unknown;
  }
}

const queries = fc.dictionary(
  fc.oneof(fc.constant('version'), fc.constant('Version'), fc.string({ maxLength: 4 })),
  fc.oneof(fc.stringMatching(/^[0-9]{0,8}$/), fc.constantFrom('1', '2', '999999', '1000000', '01', ' 1', '1.0', '-1', '1e2', ''), fc.string({ maxLength: 6 })),
  { maxKeys: 3 },
);

describe('GET /forms/{formId} query', () => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same version, or the same 400', () => {
    fc.assert(
      fc.property(queries, (query) => {
        expect(outcome(() => formVersionOf(query))).toEqual(outcome(() => parseRequest(formVersionQuery, query, 'query').version));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([[{}], [{ version: '3' }], [{ version: '0' }], [{ version: 'x', other: '1' }], [{ other: '1' }]])('agrees on %j', (query) => {
    expect(outcome(() => formVersionOf(query))).toEqual(outcome(() => parseRequest(formVersionQuery, query, 'query').version));
  });
});
