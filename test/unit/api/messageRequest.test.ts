import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { messageRequest } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { MESSAGE_KINDS } from '#lib/messages/model.ts';
import { messageRequestOf } from '#lib/messages/request.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

// A clerk's message (POST /cases/{caseId}/messages), parsed by hand, against the zod shape the
// OpenAPI document is generated from: the same message, or the same 400. Its If-Match is read as
// PATCH's is (test/unit/api/updateCaseRequest.test.ts).

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const misfit = fc.oneof(fc.constantFrom(null, true, 0, 1.5, [], [1], { length: 0 }, { length: 2 }, { length: 101 }, { length: 'a' }, { length: null }), fc.jsonValue({ maxDepth: 1 }));
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('', ' ', '\u00a0\t\n', '\ufeff', ' Bitte reichen Sie nach. ', '\u2028x', '😀', ' 😀 ', '\ud800', 'x'.repeat(4001)),
  misfit,
);
const kind = fc.oneof(fc.constantFrom(...MESSAGE_KINDS, 'reply', 'Request', ''), misfit);
const attachmentId = fc.oneof(fc.stringMatching(ULID), fc.constantFrom('01K0000000000000000000000I', '01k00000000000000000000000', '', '01K00000000000000000000000X'), fc.string({ maxLength: 4 }), misfit);
const attachments = fc.oneof(
  fc.array(attachmentId, { maxLength: 4 }),
  fc.array(fc.stringMatching(ULID), { minLength: 99, maxLength: 102 }),
  fc.array(fc.oneof(fc.stringMatching(ULID), fc.constant('x')), { minLength: 100, maxLength: 102 }),
  fc.constantFrom('x'.repeat(100), 'x'.repeat(101), '😀'.repeat(100), '😀'.repeat(101), ''),
  misfit,
);
const bodies = fc.oneof(
  fc.record({ text, kind, attachments }, { requiredKeys: ['text', 'kind'] }),
  fc.record({ text, kind, attachments, other: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  fc.dictionary(fc.oneof(fc.constantFrom('text', 'kind', 'attachments', '__proto__', 'constructor'), fc.string({ maxLength: 3 })), fc.oneof(text, kind, attachments), { maxKeys: 4 }),
  misfit,
);

describe('POST /cases/{caseId}/messages body', () => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same message, or the same 400', () => {
    fc.assert(
      fc.property(bodies, (generated) => {
        const body = JSON.parse(JSON.stringify(generated) ?? 'null') as unknown;
        expect(outcome(() => messageRequestOf(body))).toEqual(outcome(() => parseRequest(messageRequest, body, 'body')));
      }),
      { numRuns: 4000 },
    );
  });

  it.each([
    [{ text: ' Bitte den Nachweis nachreichen. ', kind: 'request' }],
    [{ text: 'Bescheid', kind: 'decision', attachments: ['01K00000000000000000000000'] }],
    [{ text: ' ', kind: 'reply', attachments: ['x', 3], more: 1 }],
    [{ text: [], kind: 'information', attachments: '😀'.repeat(101) }],
    [{ kind: 'information', attachments: Array.from({ length: 101 }, () => '01K00000000000000000000000') }],
    [[]],
  ])('agrees on %j', (body) => {
    expect(outcome(() => messageRequestOf(body))).toEqual(outcome(() => parseRequest(messageRequest, body, 'body')));
  });
});
