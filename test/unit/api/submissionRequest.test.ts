import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { submissionHeaders, submissionRequest } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { submissionOf } from '../../../functions/submit/request.ts';

/** What a parser answers, as the client sees it: the parsed submission, or the problem it throws. */
function outcome(parse: () => unknown): unknown {
  try {
    return { parsed: parse() };
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    return JSON.parse(JSON.stringify({ slug: error.slug, status: error.status, details: error.details })) as unknown;
  }
}

/** The zod shapes, read as submit read them before: headers first, then the body. */
function byZod(headers: Record<string, unknown>, body: unknown): unknown {
  const parsedHeaders = parseRequest(submissionHeaders, headers, 'header');
  const parsedBody = parseRequest(submissionRequest, body, 'body');
  const key = parsedHeaders['idempotency-key'];
  return { ...(key === undefined ? {} : { idempotencyKey: key }), ...parsedBody };
}

const numbers = fc.oneof(
  fc.integer({ min: -3, max: 1_000_003 }),
  fc.constantFrom(0, -0, 1, 1_000_000, 1_000_001, 2 ** 53 - 1, 2 ** 53, 2 ** 60, -(2 ** 53), -(2 ** 60), 1.5, -1.5, 1e300, Infinity, -Infinity, Number.NaN),
  fc.double(),
);
const anyValue = fc.oneof(numbers, fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), fc.constant([]), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
const bodies = fc.oneof(
  anyValue,
  fc.record(
    { data: anyValue, formVersion: fc.oneof(numbers, anyValue), extra: anyValue, __proto__: anyValue },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.constantFrom('data', 'formVersion', 'Data', 'x', '__proto__', 'constructor'), anyValue, { maxKeys: 4 }),
);
const keys = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 6 }), fc.stringMatching(/^[\x21-\x7E]{1,8}$/), fc.constantFrom('', ' ', 'a b', 'x'.repeat(255), 'x'.repeat(256), 'ä'), fc.integer());
const headerSets = fc.record({ key: keys, other: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }) }).map(({ key, other }) => ({
  ...(key === undefined ? {} : { 'idempotency-key': key }),
  ...(other === undefined ? {} : { 'x-other': other }),
}));

describe('POST /forms/{formId}/submissions: headers and body', () => {
  it('are parsed as the zod shapes of the OpenAPI document parse them: the same submission, or the same 400', () => {
    fc.assert(
      fc.property(headerSets, bodies, (headers, body) => {
        expect(outcome(() => submissionOf(headers, body))).toEqual(outcome(() => byZod(headers, body)));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    [{}, { data: {} }],
    [{ 'idempotency-key': 'k-1' }, { data: { a: 1 }, formVersion: 2 }],
    [{ 'idempotency-key': 'a b' }, { data: {} }],
    [{}, null],
    [{}, []],
    [{}, { data: [] }],
    [{}, { x: 1, formVersion: -1.5 }],
    [{}, JSON.parse('{"data":{},"__proto__":{}}') as unknown],
    [{}, { data: {}, formVersion: 2 ** 60 }],
    [{}, { data: {}, formVersion: -(2 ** 60) }],
    [{}, { data: {}, formVersion: 0 }],
    [{}, { data: {}, formVersion: 1_000_001 }],
  ])('agrees on headers %j and body %j', (headers, body) => {
    expect(outcome(() => submissionOf(headers, body))).toEqual(outcome(() => byZod(headers, body)));
  });

  it('keeps the form data as the very object it was given', () => {
    const data = { applicant: { name: 'x' } };
    expect(submissionOf({}, { data }).data).toBe(data);
  });
});
