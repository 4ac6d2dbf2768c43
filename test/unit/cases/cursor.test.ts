import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { issueCursor, readCursor } from '#lib/cases/cursor.ts';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { ProblemError } from '#lib/http/problem.ts';

const hmacWith = (secret: string): Hmac => ({
  digest: async (purpose, ...parts) => createHmac('sha256', secret).update(JSON.stringify([purpose, ...parts])).digest(),
});
const hmac = hmacWith('a-secret-of-the-stack-at-least-32-chars');
const scope = { office: 'ordnungsamt', formId: 'fischereischein', status: 'received' as const };
const after = '2026-11-27T13:35:10.123Z#01JDZ8Q6W4X3Y2Z1A0B9C8D7E6';

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProblemError);
  return (error as ProblemError).slug;
};

describe('list cursors', () => {
  it('give back the position they were issued for, in the same scope', async () => {
    expect(await readCursor(hmac, scope, await issueCursor(hmac, scope, after))).toBe(after);
  });

  it('are opaque text safe in a query string', async () => {
    expect(await issueCursor(hmac, scope, after)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['another office', { office: 'jugendamt' }],
    ['another form', { formId: 'wohngeld' }],
    ['no form filter', { formId: undefined }],
    ['another status', { status: 'in_review' as const }],
  ])('are refused for %s (400)', async (_, change) => {
    const cursor = await issueCursor(hmac, scope, after);
    expect(await refusal(readCursor(hmac, { ...scope, ...change }, cursor))).toBe('malformed-request');
  });

  it('are refused when the position was altered, even with the signature left as it was', async () => {
    const [payload = '', mac] = (await issueCursor(hmac, scope, after)).split('.');
    const altered = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('2026', '2027')).toString('base64url');
    expect(await refusal(readCursor(hmac, scope, `${altered}.${mac}`))).toBe('malformed-request');
  });

  it('are refused when signed with another secret (forged)', async () => {
    const forged = await issueCursor(hmacWith('somebody-else-s-secret-of-32-chars!!'), scope, after);
    expect(await refusal(readCursor(hmac, scope, forged))).toBe('malformed-request');
  });

  it.each(['', 'abc', 'a.b.c', `${'A'.repeat(601)}.${'A'.repeat(43)}`, 'e30.short', '!!!.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'])(
    'refuse the malformed cursor %j without looking further (400)',
    async (cursor) => {
      expect(await refusal(readCursor(hmac, scope, cursor))).toBe('malformed-request');
    },
  );
});
