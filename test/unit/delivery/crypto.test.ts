import { describe, expect, it } from '@jest/globals';
import { compactDecrypt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { encryptFor, publicJwkShape } from '#lib/delivery/jwe.ts';
import { sign, verify } from '#lib/delivery/signature.ts';

async function keyPair(bits: number) {
  const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: bits, extractable: true });
  return { publicJwk: { ...(await exportJWK(publicKey)), kid: 'fv-2026-1' }, privateKey, privateJwk: await exportJWK(privateKey) };
}

const payload = Buffer.from(JSON.stringify({ caseId: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E6', data: { name: 'Erika Mustermann' } }));

describe('the JWE to the destination', () => {
  it('is compact, RSA-OAEP-256 + A256GCM with the destination key id, and opens with the private key only', async () => {
    const { publicJwk, privateKey } = await keyPair(3072);
    const jwe = await encryptFor(publicJwkShape.parse(publicJwk), payload);
    expect(jwe.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'fv-2026-1' });
    expect(Buffer.from((await compactDecrypt(jwe, privateKey)).plaintext)).toEqual(payload);
    const other = await keyPair(3072);
    await expect(compactDecrypt(jwe, other.privateKey)).rejects.toThrow();
  });

  it('accepts a key that allows only wrapKey', async () => {
    const { publicJwk, privateKey } = await keyPair(3072);
    const jwe = await encryptFor(publicJwkShape.parse({ ...publicJwk, key_ops: ['wrapKey'], use: 'enc', alg: 'RSA-OAEP-256' }), payload);
    expect(Buffer.from((await compactDecrypt(jwe, privateKey)).plaintext)).toEqual(payload);
  });

  it('refuses keys shorter than 3072 bits, without kid, or with private parts', async () => {
    const short = await keyPair(2048);
    expect(publicJwkShape.safeParse(short.publicJwk).success).toBe(false);
    const { publicJwk, privateJwk } = await keyPair(3072);
    const { kid: _kid, ...withoutKid } = publicJwk;
    expect(publicJwkShape.safeParse(withoutKid).success).toBe(false);
    expect(publicJwkShape.safeParse({ ...privateJwk, kid: 'x' }).success).toBe(false);
    expect(publicJwkShape.safeParse(publicJwk).success).toBe(true);
  });
});

describe('the delivery signature', () => {
  const secret = 'k'.repeat(64);
  const body = Buffer.from('eyJhbGciOi.x.y.z.w');
  const now = 1_800_000_000;

  it('is v1=<hex HMAC-SHA512(secret, timestamp.body)> and verifies', () => {
    const signature = sign(secret, String(now), body);
    expect(signature).toMatch(/^v1=[0-9a-f]{128}$/);
    expect(verify(secret, { timestamp: String(now), signature }, body, now)).toBeUndefined();
  });

  it('fails for a tampered body, another timestamp or another secret', () => {
    const signature = sign(secret, String(now), body);
    expect(verify(secret, { timestamp: String(now), signature }, Buffer.from('eyJhbGciOi.x.y.z.W'), now)).toBe('mismatch');
    expect(verify(secret, { timestamp: String(now + 1), signature }, body, now)).toBe('mismatch');
    expect(verify('o'.repeat(64), { timestamp: String(now), signature }, body, now)).toBe('mismatch');
  });

  it('fails for a timestamp more than five minutes off, either way', () => {
    for (const offset of [-301, 301]) {
      const timestamp = String(now + offset);
      expect(verify(secret, { timestamp, signature: sign(secret, timestamp, body) }, body, now)).toBe('stale');
    }
    const timestamp = String(now - 300);
    expect(verify(secret, { timestamp, signature: sign(secret, timestamp, body) }, body, now)).toBeUndefined();
  });

  it('fails for missing or malformed headers', () => {
    expect(verify(secret, { timestamp: undefined, signature: sign(secret, String(now), body) }, body, now)).toBe('missing');
    expect(verify(secret, { timestamp: String(now), signature: 'v1=abc' }, body, now)).toBe('malformed');
    expect(verify(secret, { timestamp: 'soon', signature: sign(secret, String(now), body) }, body, now)).toBe('malformed');
  });
});
