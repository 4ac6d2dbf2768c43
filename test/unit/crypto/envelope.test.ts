import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { IntegrityError, sealNewCase, withDataKey, type Envelope } from '#lib/crypto/envelope.ts';
import { startLocalKms, type LocalKms } from '../../../infra/local/kms.ts';

// The envelope against the local KMS through the real SDK client: KMS binds the context, so these
// tests prove our half (AAD, key handling) and the wiring of theirs.
let localKms: LocalKms;
let otherKms: LocalKms;
let kms: KMSClient;
const dirs: string[] = [];
const context = { caseId: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E6', formId: 'wohngeld', formVersion: 1, office: 'wohngeldstelle' };
const plaintext = Buffer.from(JSON.stringify({ name: 'Erika Mustermann', iban: 'DE02120300000000202051' }));

beforeAll(async () => {
  for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'egov-envelope-')));
  localKms = await startLocalKms({ dataDir: dirs[0]!, port: 0 });
  otherKms = await startLocalKms({ dataDir: dirs[1]!, port: 0 });
  kms = new KMSClient({ region: 'eu-central-1', endpoint: localKms.url, credentials: localKms.credentials, maxAttempts: 1 });
});

afterAll(async () => {
  kms.destroy();
  await localKms.close();
  await otherKms.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const seal = (ctx = context, client = kms, keyId = localKms.keyArn) => sealNewCase(client, keyId, ctx, plaintext, (envelope) => envelope);
const open = (envelope: Envelope, ctx = context, keyId = localKms.keyArn) => withDataKey(kms, keyId, ctx, envelope, (key) => key.open('data', envelope));

/** The plaintext data key KMS handed out while `work` ran, as it is after `work` settled. */
async function keyLentDuring(work: () => Promise<unknown>): Promise<Uint8Array | undefined> {
  let lent: Uint8Array | undefined;
  const original = kms.send.bind(kms);
  const spy = kms as unknown as { send: (command: unknown) => Promise<{ Plaintext?: Uint8Array }> };
  spy.send = async (command: unknown) => {
    const result = (await original(command as never)) as { Plaintext?: Uint8Array };
    lent = result.Plaintext;
    return result;
  };
  try {
    await work();
  } finally {
    spy.send = original as never;
  }
  return lent;
}

describe('case envelope', () => {
  it('round-trips the form data', async () => {
    const envelope = await seal();
    expect(Buffer.from(await open(envelope))).toEqual(plaintext);
  });

  it('records format version, algorithm, key id, wrapped key, 96-bit iv and 128-bit tag', async () => {
    const envelope = await seal();
    expect(envelope).toMatchObject({ v: 2, alg: 'AES-256-GCM', kid: localKms.keyArn });
    expect(envelope.iv).toHaveLength(12);
    expect(envelope.tag).toHaveLength(16);
    expect(envelope.edk.length).toBeGreaterThan(32);
    expect(Buffer.from(envelope.ct).includes(Buffer.from('Mustermann'))).toBe(false);
  });

  it('uses a fresh iv and data key for every case', async () => {
    const a = await seal();
    const b = await seal();
    expect(Buffer.from(a.iv)).not.toEqual(Buffer.from(b.iv));
    expect(Buffer.from(a.edk)).not.toEqual(Buffer.from(b.edk));
  });

  it.each(['ct', 'tag', 'iv'] as const)('rejects a flipped byte in %s as an integrity error', async (field) => {
    const envelope = await seal();
    const bytes = Buffer.from(envelope[field]);
    bytes[0]! ^= 0x01;
    await expect(open({ ...envelope, [field]: bytes })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('rejects a flipped byte in the wrapped data key as an integrity error', async () => {
    const envelope = await seal();
    const edk = Buffer.from(envelope.edk);
    edk[edk.length - 1]! ^= 0x80;
    await expect(open({ ...envelope, edk })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('rejects an envelope moved onto another case', async () => {
    const envelope = await seal();
    await expect(open(envelope, { ...context, caseId: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7' })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('rejects an envelope presented under another form', async () => {
    const envelope = await seal();
    await expect(open(envelope, { ...context, formId: 'fischereischein' })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('rejects a data key wrapped by a key other than the expected one', async () => {
    const foreign = new KMSClient({ region: 'eu-central-1', endpoint: otherKms.url, credentials: otherKms.credentials, maxAttempts: 1 });
    const envelope = await seal(context, foreign, otherKms.keyArn);
    foreign.destroy();
    await expect(open(envelope)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('rejects a part opened under another part name', async () => {
    const envelope = await seal();
    await expect(withDataKey(kms, localKms.keyArn, context, envelope, (key) => key.open('note:1', envelope))).rejects.toBeInstanceOf(IntegrityError);
  });

  it('rejects an unknown envelope version, the first format included', async () => {
    const envelope = await seal();
    await expect(open({ ...envelope, v: 1 })).rejects.toBeInstanceOf(IntegrityError);
    await expect(open({ ...envelope, v: 3 })).rejects.toBeInstanceOf(IntegrityError);
  });

  it.each([
    ['another office', { office: 'jugendamt' }],
    ['another form version', { formVersion: 2 }],
  ])('rejects an envelope presented under %s (the context binds office and form version)', async (_, change) => {
    const envelope = await seal();
    await expect(open(envelope, { ...context, ...change })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('authenticates a message with a MAC only the data key can produce, and refuses any other message', async () => {
    let mac: Buffer = Buffer.alloc(0);
    const envelope = await sealNewCase(kms, localKms.keyArn, context, plaintext, (sealed, key) => {
      mac = key.mac('status=received;version=1');
      return sealed;
    });
    await expect(withDataKey(kms, localKms.keyArn, context, envelope, (key) => key.verify('status=received;version=1', mac))).resolves.toBeUndefined();
    await expect(withDataKey(kms, localKms.keyArn, context, envelope, (key) => key.verify('status=approved;version=1', mac))).rejects.toBeInstanceOf(IntegrityError);
    await expect(withDataKey(kms, localKms.keyArn, context, envelope, (key) => key.verify('status=received;version=1', undefined))).rejects.toBeInstanceOf(IntegrityError);
  });

  it("derives the MAC key from the case's own data key: another case's key gives another MAC", async () => {
    const macs: Buffer[] = [];
    for (const caseId of ['01JDZ8Q6W4X3Y2Z1A0B9C8D7E6', '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7']) {
      await sealNewCase(kms, localKms.keyArn, { ...context, caseId }, plaintext, (_, key) => macs.push(key.mac('same message')));
    }
    expect(macs[0]!.equals(macs[1]!)).toBe(false);
  });

  it('zeroes the generated data key once the new case is stored', async () => {
    const lent = await keyLentDuring(() => seal());
    expect(lent).toBeDefined();
    expect(lent!.every((byte) => byte === 0)).toBe(true);
  });

  it('zeroes the plaintext data key after use', async () => {
    const envelope = await seal();
    const lent = await keyLentDuring(() => open(envelope));
    expect(lent).toBeDefined();
    expect(lent!.every((byte) => byte === 0)).toBe(true);
  });

  it('passes a KMS outage through as a dependency failure, not an integrity error', async () => {
    const envelope = await seal();
    const down = new KMSClient({ region: 'eu-central-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const failure = await withDataKey(down, localKms.keyArn, context, envelope, () => 'opened').catch((error: unknown) => error);
    down.destroy();
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(IntegrityError);
  });
});
