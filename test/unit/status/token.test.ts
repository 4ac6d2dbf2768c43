import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { statusTokens } from '#lib/status/token.ts';

// A real keyed HMAC (the same construction as crypto/hmac.ts, with a fixed test key).
function testHmac(key = 'k'.repeat(32)): Hmac & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async digest(purpose, ...parts) {
      calls.push([purpose, ...parts]);
      const mac = createHmac('sha256', key);
      for (const part of [purpose, ...parts]) mac.update(`${Buffer.byteLength(part)}:${part};`);
      return mac.digest();
    },
  };
}

const CASE_A = '01JD3ZK8Y2V7Q9W4X6T5R3M1NB';
const CASE_B = '01JD3ZK8Y2V7Q9W4X6T5R3M1NC';

describe('status tokens', () => {
  it('are base64url with at least 128 bits', async () => {
    const token = await statusTokens(testHmac()).issue(CASE_A);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('are the same for the same case and secret (a replay answers the same token)', async () => {
    const tokens = statusTokens(testHmac());
    expect(await tokens.issue(CASE_A)).toBe(await tokens.issue(CASE_A));
  });

  it('differ between cases and between secrets', async () => {
    const tokens = statusTokens(testHmac());
    expect(await tokens.issue(CASE_A)).not.toBe(await tokens.issue(CASE_B));
    expect(await statusTokens(testHmac('x'.repeat(32))).issue(CASE_A)).not.toBe(await tokens.issue(CASE_A));
  });

  it('match only the token of their own case', async () => {
    const tokens = statusTokens(testHmac());
    const a = await tokens.issue(CASE_A);
    expect(await tokens.matches(CASE_A, a)).toBe(true);
    expect(await tokens.matches(CASE_B, a)).toBe(false);
  });

  it('refuse a token changed in one character, truncated, lengthened or in another encoding', async () => {
    const tokens = statusTokens(testHmac());
    const a = await tokens.issue(CASE_A);
    const flipped = `${a.slice(0, 5)}${a[5] === 'A' ? 'B' : 'A'}${a.slice(6)}`;
    for (const wrong of [flipped, a.slice(0, -1), `${a}A`, Buffer.from(a, 'base64url').toString('base64'), Buffer.from(a, 'base64url').toString('hex'), '']) {
      expect(await tokens.matches(CASE_A, wrong)).toBe(false);
    }
  });

  it('do the same HMAC work for an unknown reference as for a known one, and never match it', async () => {
    const hmac = testHmac();
    const tokens = statusTokens(hmac);
    const a = await tokens.issue(CASE_A);
    hmac.calls.length = 0;
    expect(await tokens.matches(undefined, a)).toBe(false);
    expect(await tokens.matches(CASE_A, 'wrong')).toBe(false);
    expect(hmac.calls).toHaveLength(2);
    expect(hmac.calls[0]?.[0]).toBe(hmac.calls[1]?.[0]);
  });

  it('use a purpose of their own: a token is not another digest of the same secret', async () => {
    const hmac = testHmac();
    await statusTokens(hmac).issue(CASE_A);
    expect(hmac.calls[0]?.[0]).toMatch(/^status-token/);
  });
});
