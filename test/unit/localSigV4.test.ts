import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { verifySigV4 } from '../../infra/local/sigv4.ts';

/**
 * The local KMS's signature check (infra/local/sigv4.ts) derives each scope's signing key once and
 * keeps it: a kept key must serve only the secret, day, region and service it was derived for.
 */
const region = 'eu-central-1';
const accessKeyId = 'LOCAL0123456789ABCDEF0123456789ABCDEF';
const secretOf = (letter: string) => letter.repeat(40);

/** The request the unmodified SDK client signs at `signedAt` (its clock offset), caught before it is sent. */
async function signedRequest(secretAccessKey: string, signedAt: Date): Promise<{ req: IncomingMessage; body: Buffer }> {
  let caught: { method: string; path: string; headers: Record<string, string>; body: string } | undefined;
  const client = new KMSClient({
    region,
    endpoint: 'http://127.0.0.1:4599',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
    systemClockOffset: signedAt.getTime() - Date.now(),
    requestHandler: {
      handle: async (request: { method: string; path: string; headers: Record<string, string>; body: string }) => {
        caught = request;
        throw new Error('caught');
      },
    },
  });
  await client.send(new GenerateDataKeyCommand({ KeyId: 'alias/test', KeySpec: 'AES_256' })).catch(() => undefined);
  if (!caught) throw new Error('the SDK sent nothing');
  const req = { method: caught.method, url: caught.path, rawHeaders: Object.entries(caught.headers).flat() } as unknown as IncomingMessage;
  return { req, body: Buffer.from(caught.body) };
}

const verify = async (signedWith: string, expectedSecret: string, signedAt: Date, now = signedAt.getTime()) => {
  const { req, body } = await signedRequest(signedWith, signedAt);
  return verifySigV4(req, body, { credentials: { accessKeyId, secretAccessKey: expectedSecret }, region, services: ['kms'], now })?.type;
};

describe('local SigV4 check with kept signing keys', () => {
  const today = new Date('2026-12-07T12:00:00Z');
  const tomorrow = new Date('2026-12-08T00:05:00Z');

  it('accepts the same secret again, from its kept key', async () => {
    expect(await verify(secretOf('a'), secretOf('a'), today)).toBeUndefined();
    expect(await verify(secretOf('a'), secretOf('a'), today)).toBeUndefined();
  });

  it('refuses another secret in a scope whose key is kept, and accepts that secret where it is expected', async () => {
    expect(await verify(secretOf('a'), secretOf('a'), today)).toBeUndefined();
    expect(await verify(secretOf('b'), secretOf('a'), today)).toBe('InvalidSignatureException');
    // A second stack in the same process, with its own secret: its key is its own.
    expect(await verify(secretOf('a'), secretOf('b'), today)).toBe('InvalidSignatureException');
    expect(await verify(secretOf('b'), secretOf('b'), today)).toBeUndefined();
  });

  it('derives a new key for a new day', async () => {
    expect(await verify(secretOf('a'), secretOf('a'), today)).toBeUndefined();
    expect(await verify(secretOf('a'), secretOf('a'), tomorrow)).toBeUndefined();
  });

  it('still accepts after many scopes have come and gone (the kept keys are dropped, not wrong)', async () => {
    for (let i = 0; i < 40; i++) expect(await verify(secretOf(String.fromCharCode(99 + (i % 20))), secretOf(String.fromCharCode(99 + (i % 20))), today)).toBeUndefined();
    expect(await verify(secretOf('a'), secretOf('a'), today)).toBeUndefined();
  });
});
