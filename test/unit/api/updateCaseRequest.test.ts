import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { updateCaseHeaders, updateCaseRequest } from '#lib/api/schemas.ts';
import { CASE_STATUSES } from '#lib/cases/model.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { ifMatchOf } from '#lib/http/ifMatch.ts';
import { caseChangeOf } from '../../../functions/updateCase/request.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

const note = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', '\u00a0\t\n', '\ufeff', ' Notiz ', '\u2028x', [], [1], { length: 0 }, { length: 'a' }, { length: 2 }), fc.jsonValue({ maxDepth: 1 }));
const status = fc.oneof(fc.constantFrom(...CASE_STATUSES, 'RECEIVED', '', 'open'), fc.jsonValue({ maxDepth: 1 }));
const bodies = fc.oneof(
  fc.record({ status, note, other: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  fc.dictionary(fc.oneof(fc.constantFrom('status', 'note', '__proto__', 'constructor'), fc.string({ maxLength: 3 })), fc.oneof(status, note), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const headers = fc.oneof(
  fc.dictionary(fc.constantFrom('if-match', 'If-Match', 'accept'), fc.oneof(fc.constantFrom('"1"', 'W/"1"', '*', ''), fc.string({ maxLength: 4 }), fc.constant(undefined)), { maxKeys: 2 }),
  fc.constantFrom(null, [], 'if-match'),
);

describe('PATCH /cases/{caseId} request', () => {
  it('reads the body as the zod shape of the OpenAPI document does: the same change, or the same 400', () => {
    fc.assert(
      fc.property(bodies, (generated) => {
        const body = JSON.parse(JSON.stringify(generated) ?? 'null') as unknown;
        expect(outcome(() => caseChangeOf(body))).toEqual(outcome(() => parseRequest(updateCaseRequest, body, 'body')));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads If-Match as the zod shape does', () => {
    fc.assert(
      fc.property(headers, (given) => {
        expect(outcome(() => ifMatchOf(given))).toEqual(outcome(() => parseRequest(updateCaseHeaders, given, 'header')['if-match']));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([[{ status: 'in_review' }], [{ note: '  x ' }], [{ note: ' \u00a0 ' }], [{ status: 'x', note: 3, more: 1 }], [{}]])('agrees on %j', (body) => {
    expect(outcome(() => caseChangeOf(body))).toEqual(outcome(() => parseRequest(updateCaseRequest, body, 'body')));
  });
});
