import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { messageTicketRequest, replyRequest } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { messageTicketRequestOf, replyOf } from '#lib/messages/requests.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

// The citizen's reply and reply-file ticket are parsed by hand (zod is kept off their cold start):
// each must take and refuse exactly what its zod shape, from which the OpenAPI document is
// generated, takes and refuses, with the same 400 and the same errors in the same order.

/** Values with a `length` that is no string's: zod's length checks still look at them. */
const lengthy = fc.constantFrom([], [1], ['x', 'y'], { length: 0 }, { length: 'a' }, { length: 2 }, { length: 300 }, { length: null }, { length: [] });
const numbers = fc.oneof(
  fc.integer({ min: -3, max: 30 }),
  fc.constantFrom(0, -0, 1, 2 ** 53 - 1, 2 ** 53, 2 ** 60, -(2 ** 53), -(2 ** 60), 1.5, -1.5, 1e300),
  fc.double({ noDefaultInfinity: true, noNaN: true }),
);
const anyValue = fc.oneof(numbers, fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), lengthy, fc.jsonValue({ maxDepth: 1 }));
/** Strings around a limit, also in characters of two UTF-16 units (zod counts code points). */
const around = (limit: number) =>
  fc.oneof(
    fc.constantFrom('', 'x'.repeat(limit - 1), 'x'.repeat(limit), 'x'.repeat(limit + 1), '😀'.repeat(limit - 1), '😀'.repeat(limit), '😀'.repeat(limit + 1), `${'x'.repeat(limit - 1)}😀`),
    fc.string({ unit: 'binary', minLength: limit - 3, maxLength: limit + 3 }),
  );

const ulid = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);
const id = fc.oneof(ulid, fc.constantFrom('01jd3zm0000000000000000001', '01JD3ZM000000000000000000I', '01JD3ZM00000000000000000011', ''), anyValue);
const ids = fc.oneof(
  fc.array(id, { maxLength: 3 }),
  fc.array(ulid, { minLength: 99, maxLength: 102 }),
  fc.array(fc.oneof(ulid, anyValue), { minLength: 100, maxLength: 101 }),
  around(100),
  anyValue,
);
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', ' ', '\u00a0\t\n', '\ufeff', ' Antwort ', '\u2028x', '\u200b', '\ud800'),
  anyValue,
);
const replyKeys = fc.constantFrom('text', 'attachments', 'kind', 'Text', '__proto__', 'constructor');
const replies = fc.oneof(
  fc.record({ text, attachments: ids, kind: anyValue }, { requiredKeys: [] }),
  fc.record({ text, attachments: ids }, { requiredKeys: ['text'] }),
  fc.dictionary(fc.oneof(replyKeys, fc.string({ maxLength: 3 })), fc.oneof(text, ids), { maxKeys: 3 }),
  anyValue,
);

const fileName = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  around(255),
  fc.constantFrom('antrag.pdf', 'a/b.pdf', 'a\\b.pdf', 'gpj.exe\u202e.pdf', 'a\u200bb', 'a\nb', 'a\u2028b', ' ', '..'),
  anyValue,
);
const mediaType = fc.oneof(fc.constantFrom('application/pdf', 'image/png', 'text/html', ''), around(100), anyValue);
const size = fc.oneof(numbers, anyValue);
const sha256 = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
  fc.constantFrom(`${'A'.repeat(43)}=`, `${'A'.repeat(44)}`, `${'A'.repeat(43)}==`, `${'-'.repeat(43)}=`, ''),
  anyValue,
);
const ticketKeys = fc.constantFrom('fileName', 'mediaType', 'size', 'sha256', 'field', '__proto__');
const tickets = fc.oneof(
  fc.record({ fileName, mediaType, size, sha256 }),
  fc.record({ fileName, mediaType, size, sha256, field: anyValue }, { requiredKeys: [] }),
  fc.dictionary(fc.oneof(ticketKeys, fc.string({ maxLength: 3 })), fc.oneof(fileName, size, sha256), { maxKeys: 4 }),
  anyValue,
);

/** What the handler gets: the body as JSON.parse made it from the wire. */
const wire = (generated: unknown): unknown => JSON.parse(JSON.stringify(generated) ?? 'null') as unknown;

describe('POST /status/{reference}/replies: the body', () => {
  it('is parsed as the zod shape replyRequest parses it: the same reply, or the same 400', () => {
    fc.assert(
      fc.property(replies, (generated) => {
        const body = wire(generated);
        expect(outcome(() => replyOf(body))).toEqual(outcome(() => parseRequest(replyRequest, body, 'body')));
      }),
      { numRuns: 4000 },
    );
  });

  it.each([
    [{ text: ' Anbei ' }],
    [{ text: 'Anbei', attachments: ['01JD3ZM0000000000000000001'] }],
    [{ text: ' \u00a0 ' }],
    [{ text: [] }],
    [{ text: { length: 'a' } }],
    [{ text: 'x', attachments: 'x'.repeat(101) }],
    [{ text: 'x', attachments: '😀'.repeat(100) }],
    [{ text: 'x', attachments: { length: 101 } }],
    [{ text: 'x', attachments: Array(101).fill('01JD3ZM0000000000000000001') }],
    [{ text: 'x', attachments: [1, 'x', '01JD3ZM0000000000000000001'] }],
    [{ kind: 'reply' }],
    [null],
    [[]],
  ])('agrees on %j', (body) => {
    expect(outcome(() => replyOf(body))).toEqual(outcome(() => parseRequest(replyRequest, body, 'body')));
  });
});

describe('POST /status/{reference}/attachments: the body', () => {
  it('is parsed as the zod shape messageTicketRequest parses it: the same request, or the same 400', () => {
    fc.assert(
      fc.property(tickets, (generated) => {
        const body = wire(generated);
        expect(outcome(() => messageTicketRequestOf(body))).toEqual(outcome(() => parseRequest(messageTicketRequest, body, 'body')));
      }),
      { numRuns: 4000 },
    );
  });

  const valid = { fileName: 'zeugnis.pdf', mediaType: 'application/pdf', size: 10, sha256: `${'A'.repeat(43)}=` };
  it.each([
    [valid],
    [{ ...valid, field: '/proof' }],
    [{ ...valid, fileName: '😀'.repeat(255) }],
    [{ ...valid, fileName: '😀'.repeat(256) }],
    [{ ...valid, fileName: '' }],
    [{ ...valid, fileName: 'a\u202eb' }],
    [{ ...valid, fileName: { length: 'a' } }],
    [{ ...valid, mediaType: [] }],
    [{ ...valid, size: 0 }],
    [{ ...valid, size: 1.5 }],
    [{ ...valid, size: 2 ** 60 }],
    [{ ...valid, size: '10' }],
    [{ ...valid, sha256: 'A'.repeat(44) }],
    [{}],
    [null],
  ])('agrees on %j', (body) => {
    expect(outcome(() => messageTicketRequestOf(body))).toEqual(outcome(() => parseRequest(messageTicketRequest, body, 'body')));
  });
});
