import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { messageRequest, replyRequest } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { MESSAGE_KINDS } from '#lib/messages/model.ts';
import { messageRequestOf, replyOf } from '#lib/messages/request.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

// A clerk's message (POST /cases/{caseId}/messages) and a citizen's reply
// (POST /status/{reference}/replies), parsed by hand, against the zod shapes the OpenAPI document is
// generated from: the same message, or the same 400 with the same errors in the same order. The
// message's If-Match is read as PATCH's is (test/unit/api/updateCaseRequest.test.ts).

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** Values of a wrong type, some with a `length` that is no string's: zod's length checks still look at them. */
const misfit = fc.oneof(
  fc.constantFrom(null, true, 0, 1.5, [], [1], ['x', 'y'], { length: 0 }, { length: 2 }, { length: 101 }, { length: 300 }, { length: 'a' }, { length: null }, { length: [] }),
  fc.jsonValue({ maxDepth: 1 }),
);
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', ' ', '\u00a0\t\n', '\ufeff', ' Bitte reichen Sie nach. ', ' Antwort ', '\u2028x', '\u200b', '😀', ' 😀 ', '\ud800', 'x'.repeat(4001)),
  misfit,
);
const kind = fc.oneof(fc.constantFrom(...MESSAGE_KINDS, 'reply', 'Request', ''), misfit);
const attachmentId = fc.oneof(fc.stringMatching(ULID), fc.constantFrom('01K0000000000000000000000I', '01k00000000000000000000000', '', '01K00000000000000000000000X'), fc.string({ maxLength: 4 }), misfit);
const attachments = fc.oneof(
  fc.array(attachmentId, { maxLength: 4 }),
  fc.array(fc.stringMatching(ULID), { minLength: 99, maxLength: 102 }),
  fc.array(fc.oneof(fc.stringMatching(ULID), fc.constant('x'), misfit), { minLength: 100, maxLength: 102 }),
  fc.constantFrom('x'.repeat(100), 'x'.repeat(101), '😀'.repeat(100), '😀'.repeat(101), ''),
  misfit,
);
const messages = fc.oneof(
  fc.record({ text, kind, attachments }, { requiredKeys: ['text', 'kind'] }),
  fc.record({ text, kind, attachments, other: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  fc.dictionary(fc.oneof(fc.constantFrom('text', 'kind', 'attachments', '__proto__', 'constructor'), fc.string({ maxLength: 3 })), fc.oneof(text, kind, attachments), { maxKeys: 4 }),
  misfit,
);
const replies = fc.oneof(
  fc.record({ text, attachments }, { requiredKeys: ['text'] }),
  fc.record({ text, attachments, kind }, { requiredKeys: [] }),
  fc.dictionary(fc.oneof(fc.constantFrom('text', 'attachments', 'kind', 'Text', '__proto__', 'constructor'), fc.string({ maxLength: 3 })), fc.oneof(text, attachments), { maxKeys: 3 }),
  misfit,
);

const BODIES = [
  [
    'POST /cases/{caseId}/messages',
    messages,
    messageRequestOf,
    (body: unknown) => parseRequest(messageRequest, body, 'body'),
    [
      { text: ' Bitte den Nachweis nachreichen. ', kind: 'request' },
      { text: 'Bescheid', kind: 'decision', attachments: ['01K00000000000000000000000'] },
      { text: ' ', kind: 'reply', attachments: ['x', 3], more: 1 },
      { text: [], kind: 'information', attachments: '😀'.repeat(101) },
      { kind: 'information', attachments: Array.from({ length: 101 }, () => '01K00000000000000000000000') },
      [],
    ],
  ],
  [
    'POST /status/{reference}/replies',
    replies,
    replyOf,
    (body: unknown) => parseRequest(replyRequest, body, 'body'),
    [
      { text: ' Anbei ' },
      { text: 'Anbei', attachments: ['01JD3ZM0000000000000000001'] },
      { text: ' \u00a0 ' },
      { text: [] },
      { text: { length: 'a' } },
      { text: 'x', attachments: 'x'.repeat(101) },
      { text: 'x', attachments: '😀'.repeat(100) },
      { text: 'x', attachments: { length: 101 } },
      { text: 'x', attachments: Array<string>(101).fill('01JD3ZM0000000000000000001') },
      { text: 'x', attachments: [1, 'x', '01JD3ZM0000000000000000001'] },
      { text: 'x', kind: 'reply' },
      { kind: 'reply' },
      null,
      [],
    ],
  ],
] as const;

describe.each(BODIES)('the body of %s', (_route, bodies, byHand, byZod, examples) => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same message, or the same 400', () => {
    fc.assert(
      fc.property(bodies, (generated) => {
        const body = JSON.parse(JSON.stringify(generated) ?? 'null') as unknown;
        expect(outcome(() => byHand(body))).toEqual(outcome(() => byZod(body)));
      }),
      { numRuns: 4000 },
    );
  });

  it.each(examples.map((body) => [body]))('agrees on %j', (body) => {
    expect(outcome(() => byHand(body))).toEqual(outcome(() => byZod(body)));
  });
});
