import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { attachmentTicketRequest, messageTicketRequest } from '#lib/api/schemas.ts';
import { attachmentTicketRequestOf, messageTicketRequestOf } from '#lib/attachments/ticketRequest.ts';
import { MEDIA_TYPES } from '#lib/attachments/fields.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { parserOutcome as outcome } from '../../support/parserOutcome.ts';

// The upload tickets' bodies (a form's file, a message's or a reply's file), parsed by hand,
// against the zod shapes the OpenAPI document is generated from: the same request, or the same 400.

/** What JSON can carry where a field's value belongs, the wrong types included (`length` too: zod's length checks read it). */
const misfit = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, [], [1], ['a'], { length: 0 }, { length: 2 }, { length: 300 }, { length: 'a' }, { length: null }, { length: [600] }),
  fc.jsonValue({ maxDepth: 1 }),
);
const fileName = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 6, unit: 'binary' }),
  fc.constantFrom('', 'Zeugnis.pdf', 'a/b.pdf', 'a\\b.pdf', 'gpj\u202Eexe.jpg', 'null\u0000.pdf', 'x\u200b.pdf', 'x\u2028y', 'x\u2029y', '\u0085', ' ', '\ud800', 'ä.png'),
  fc.constantFrom('x'.repeat(255), 'x'.repeat(256), '😀'.repeat(255), '😀'.repeat(256), `${'😀'.repeat(127)}x`, '😀/'),
  misfit,
);
const mediaType = fc.oneof(fc.constantFrom(...MEDIA_TYPES, '', 'text/plain', 'x'.repeat(100), 'x'.repeat(101), '😀'.repeat(100), '😀'.repeat(101)), fc.string({ maxLength: 6 }), misfit);
const size = fc.oneof(
  fc.integer({ min: -3, max: 30_000_000 }),
  fc.constantFrom(0, -0, 1, 2 ** 53 - 1, 2 ** 53, 2 ** 60, -(2 ** 53), -(2 ** 60), 1e300, -1e300, 0.5, 1.5, '1', '20'),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  misfit,
);
const sha256 = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
  fc.stringMatching(/^[A-Za-z0-9+/=_-]{42,45}$/),
  fc.constantFrom('', `${'A'.repeat(43)}=`, `${'A'.repeat(44)}`, `${'A'.repeat(43)}=\n`),
  misfit,
);
const field = fc.oneof(
  fc.constantFrom('/examCertificate', '/incomeProofs/0', '/', '//', 'examCertificate', '', '/a/b~1c', `/${'x'.repeat(499)}`, `/${'x'.repeat(500)}`, `/${'😀'.repeat(499)}`, `x${'😀'.repeat(300)}`),
  fc.stringMatching(/^(\/[a-z0-9]{0,3}){0,3}$/),
  fc.string({ maxLength: 6 }),
  misfit,
);
const extra = fc.jsonValue({ maxDepth: 1 });

const fileBodies = (withField: boolean) =>
  fc.oneof(
    fc.record({ ...(withField ? { field } : {}), fileName, mediaType, size, sha256 }),
    fc.record({ ...(withField ? { field } : {}), fileName, mediaType, size, sha256, other: extra, ...(withField ? {} : { field }) }, { requiredKeys: [] }),
    fc.dictionary(fc.oneof(fc.constantFrom('field', 'fileName', 'mediaType', 'size', 'sha256', '__proto__', 'constructor', 'FileName'), fc.string({ maxLength: 3 })), fc.oneof(fileName, size, sha256), { maxKeys: 5 }),
    misfit,
  );

// Bodies reach the handler as JSON.parse made them.
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null') as unknown;

const TICKETS = [
  ['POST /forms/{formId}/attachments', true, attachmentTicketRequestOf, (body: unknown) => parseRequest(attachmentTicketRequest, body, 'body')],
  ['POST /cases/{caseId}/attachments and POST /status/{reference}/attachments', false, messageTicketRequestOf, (body: unknown) => parseRequest(messageTicketRequest, body, 'body')],
] as const;

describe.each(TICKETS)('the body of %s', (_route, withField, byHand, byZod) => {
  it('is parsed as the zod shape of the OpenAPI document parses it: the same request, or the same 400', () => {
    fc.assert(
      fc.property(fileBodies(withField), (generated) => {
        const body = asJson(generated);
        expect(outcome(() => byHand(body))).toEqual(outcome(() => byZod(body)));
      }),
      { numRuns: 4000 },
    );
  });

  const valid = { fileName: 'Zeugnis.pdf', mediaType: 'application/pdf', size: 1024, sha256: `${'A'.repeat(43)}=`, ...(withField ? { field: '/examCertificate' } : {}) };
  it.each([
    [valid],
    [{ ...valid, fileName: 'gpj\u202Eexe.jpg', size: 2 ** 53, extra: 1 }],
    [{ ...valid, fileName: [], mediaType: '', size: 1e300, sha256: 3 }],
    [{ ...valid, fileName: '😀'.repeat(255), mediaType: 'x'.repeat(101) }],
    [{ ...valid, size: -(2 ** 60) }],
    [{ ...valid, fileName: '😀'.repeat(256), size: 0 }],
    [{ ...valid, fileName: { length: 'a' }, mediaType: [], size: '10', sha256: 'A'.repeat(44) }],
    [{ ...valid, size: 1.5 }],
    [{}],
    [null],
  ])('agrees on %j', (body) => {
    expect(outcome(() => byHand(body))).toEqual(outcome(() => byZod(body)));
  });
});
