import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { reference, statusHeaders } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { referenceOf, statusTokenOf } from '#lib/status/request.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

const token = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ minLength: 250, maxLength: 260 }),
  fc.constantFrom('', 'x'.repeat(256), 'x'.repeat(257)),
  // zod counts a string's length in code points: 256 characters of two UTF-16 units each are 256.
  fc.string({ unit: 'binary', minLength: 250, maxLength: 260 }),
  fc.constantFrom('😀'.repeat(200), '😀'.repeat(256), '😀'.repeat(257), `${'x'.repeat(255)}😀`),
  // And its length checks look at a `length` that any value has, even after refusing its type.
  fc.constantFrom([], ['t'], { length: 0 }, { length: 'a' }, { length: 300 }, 3, null),
);
const headers = fc.oneof(
  fc.dictionary(fc.oneof(fc.constant('status-token'), fc.constantFrom('accept-language', 'x-status-token'), fc.string({ maxLength: 4 })), fc.oneof(token, fc.constant(undefined)), { maxKeys: 3 }),
  fc.constantFrom(null, undefined, [], 'status-token'),
);
const referenceLike = fc.oneof(
  fc.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/),
  fc.constantFrom('K7QM-4HXT-9CRB', 'K7QM-4HXT-9CRB-', 'K7QM-4HXT-9CRBXXXXXXXXXXX', 'k7qm-4hxt-9crb', 'K7QM-4HXT-9CR0', '', 'K7QM-4HXT-9CRB\n'),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(undefined, null, 12),
);

describe('the citizen status routes\' request', () => {
  it('reads the Status-Token header as the zod shape of the OpenAPI document does: the same token, or the same 400', () => {
    fc.assert(
      fc.property(headers, (given) => {
        expect(outcome(() => statusTokenOf(given))).toEqual(outcome(() => parseRequest(statusHeaders, given, 'header')['status-token']));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a reference exactly when the zod shape does', () => {
    fc.assert(
      fc.property(referenceLike, (given) => {
        const parsed = reference.safeParse(given);
        expect(referenceOf(given)).toEqual(parsed.success ? parsed.data : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  const cases = [{}, { 'status-token': '' }, { 'status-token': 'x'.repeat(257) }, { 'status-token': '😀'.repeat(256) }, { 'status-token': [] }, { 'status-token': 't' }, null];
  it.each(cases.map((given) => [given]))('agrees on the headers %j', (given) => {
    expect(outcome(() => statusTokenOf(given))).toEqual(outcome(() => parseRequest(statusHeaders, given, 'header')['status-token']));
  });
});
