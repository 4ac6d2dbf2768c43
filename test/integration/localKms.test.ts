// The local KMS as the real AWS SDK clients see it: every behaviour the handlers rely on, through
// @aws-sdk/client-kms and @aws-sdk/client-secrets-manager, against instances this file starts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSInternalException,
  NotFoundException,
} from '@aws-sdk/client-kms';
import type { DecryptCommandInput } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalKms } from '../../infra/local/kms.ts';
import type { LocalKms } from '../../infra/local/kms.ts';

const region = 'eu-central-1';
const context = { caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NB', formId: 'fischereischein', purpose: 'case-data' };

let root: string;
let kms: LocalKms;
let client: KMSClient;
const started: LocalKms[] = [];

const start = async (dir: string, faults = false): Promise<LocalKms> => {
  const instance = await startLocalKms({ dataDir: join(root, dir), faults });
  started.push(instance);
  return instance;
};
const kmsClient = (instance: LocalKms, maxAttempts = 1) =>
  new KMSClient({ region, credentials: instance.credentials, endpoint: instance.url, maxAttempts });
const secretsClient = (instance: LocalKms) =>
  new SecretsManagerClient({ region, credentials: instance.credentials, endpoint: instance.url, maxAttempts: 1 });

/** The name of the exception `promise` rejects with, so assertions show it on failure. */
const errorName = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'no error',
    (error: unknown) => (error as Error).name,
  );

const decrypt = (input: DecryptCommandInput) => client.send(new DecryptCommand(input));
const encrypt = async (plaintext = Buffer.from('Antrag von Erika Mustermann')) => {
  const out = await client.send(new EncryptCommand({ KeyId: kms.aliasName, Plaintext: plaintext, EncryptionContext: context }));
  return Buffer.from(out.CiphertextBlob as Uint8Array);
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-kms-test-'));
  kms = await start('main', true);
  client = kmsClient(kms);
});

afterEach(() => kms.faults.clear());

afterAll(async () => {
  await Promise.all(started.map((instance) => instance.close()));
  await rm(root, { recursive: true, force: true });
});

describe('local KMS cryptography', () => {
  it('GenerateDataKey then Decrypt with the same context returns the same data key', async () => {
    const generated = await client.send(new GenerateDataKeyCommand({ KeyId: kms.keyId, KeySpec: 'AES_256', EncryptionContext: context }));
    expect(generated.KeyId).toBe(kms.keyArn);
    expect(generated.Plaintext).toHaveLength(32);

    const decrypted = await decrypt({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: context, KeyId: kms.keyArn });
    expect(decrypted.KeyId).toBe(kms.keyArn);
    expect(Buffer.from(decrypted.Plaintext as Uint8Array)).toEqual(Buffer.from(generated.Plaintext as Uint8Array));
  });

  it('GenerateDataKey with NumberOfBytes returns that many bytes', async () => {
    const generated = await client.send(new GenerateDataKeyCommand({ KeyId: kms.keyId, NumberOfBytes: 64 }));
    expect(generated.Plaintext).toHaveLength(64);
  });

  it('Encrypt then Decrypt without a KeyId returns the plaintext', async () => {
    const plaintext = Buffer.from('{"name":"Erika Mustermann"}');
    const blob = await encrypt(plaintext);
    const decrypted = await decrypt({ CiphertextBlob: blob, EncryptionContext: context });
    expect(Buffer.from(decrypted.Plaintext as Uint8Array)).toEqual(plaintext);
  });

  it('Decrypt with a different context value is InvalidCiphertextException', async () => {
    const blob = await encrypt();
    const moved = { ...context, caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NC' };
    await expect(decrypt({ CiphertextBlob: blob, EncryptionContext: moved })).rejects.toBeInstanceOf(InvalidCiphertextException);
  });

  it('Decrypt with an extra context key is InvalidCiphertextException', async () => {
    const blob = await encrypt();
    const extra = { ...context, office: 'ordnungsamt' };
    await expect(decrypt({ CiphertextBlob: blob, EncryptionContext: extra })).rejects.toBeInstanceOf(InvalidCiphertextException);
  });

  it('Decrypt with a missing context key or no context is InvalidCiphertextException', async () => {
    const blob = await encrypt();
    const lacking = { caseId: context.caseId, formId: context.formId };
    await expect(decrypt({ CiphertextBlob: blob, EncryptionContext: lacking })).rejects.toBeInstanceOf(InvalidCiphertextException);
    await expect(decrypt({ CiphertextBlob: blob })).rejects.toBeInstanceOf(InvalidCiphertextException);
  });

  it('a flipped byte anywhere in the blob is InvalidCiphertextException, with or without KeyId', async () => {
    const blob = await encrypt();
    const unexpected: string[] = [];
    for (let i = 0; i < blob.length; i++) {
      const tampered = Buffer.from(blob);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      for (const KeyId of [kms.keyArn, undefined]) {
        const name = await errorName(decrypt({ CiphertextBlob: tampered, EncryptionContext: context, KeyId }));
        if (name !== 'InvalidCiphertextException') unexpected.push(`byte ${i}, KeyId ${KeyId ?? 'none'}: ${name}`);
      }
    }
    expect(unexpected).toEqual([]);
  });

  it('a truncated blob is InvalidCiphertextException', async () => {
    const blob = await encrypt();
    await expect(decrypt({ CiphertextBlob: blob.subarray(0, 40), EncryptionContext: context })).rejects.toBeInstanceOf(InvalidCiphertextException);
  });

  it('Decrypt naming a key other than the one that encrypted is IncorrectKeyException', async () => {
    const foreign = await start('foreign');
    const out = await kmsClient(foreign).send(new EncryptCommand({ KeyId: foreign.keyId, Plaintext: Buffer.from('x'), EncryptionContext: context }));
    await expect(decrypt({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context, KeyId: kms.keyId })).rejects.toBeInstanceOf(IncorrectKeyException);
  });

  it('a blob of a key this KMS does not hold is InvalidCiphertextException without KeyId', async () => {
    const foreign = await start('foreign-2');
    const out = await kmsClient(foreign).send(new EncryptCommand({ KeyId: foreign.keyId, Plaintext: Buffer.from('x'), EncryptionContext: context }));
    await expect(decrypt({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context })).rejects.toBeInstanceOf(InvalidCiphertextException);
  });
});

describe('local KMS keys', () => {
  it('an unknown key id, key ARN or alias is NotFoundException', async () => {
    const unknown = [randomUUID(), `arn:aws:kms:${region}:000000000000:key/${randomUUID()}`, 'alias/nope', kms.keyArn.replace(region, 'eu-west-1')];
    for (const KeyId of unknown) {
      await expect(client.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') }))).rejects.toBeInstanceOf(NotFoundException);
    }
    await expect(decrypt({ KeyId: 'alias/nope', CiphertextBlob: await encrypt(), EncryptionContext: context })).rejects.toBeInstanceOf(NotFoundException);
  });

  it('a key is found by key id, key ARN, alias name and alias ARN', async () => {
    const aliasArn = `arn:aws:kms:${region}:000000000000:${kms.aliasName}`;
    expect(kms.aliasName).toBe('alias/egov-forms-cases');
    for (const KeyId of [kms.keyId, kms.keyArn, kms.aliasName, aliasArn]) {
      const described = await client.send(new DescribeKeyCommand({ KeyId }));
      expect(described.KeyMetadata?.KeyId).toBe(kms.keyId);
      const blob = await client.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') }));
      expect(blob.KeyId).toBe(kms.keyArn);
    }
  });

  it('DescribeKey returns the ARN and the enabled state', async () => {
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: kms.aliasName }));
    expect(kms.keyArn).toBe(`arn:aws:kms:${region}:000000000000:key/${kms.keyId}`);
    expect(KeyMetadata).toMatchObject({ Arn: kms.keyArn, KeyId: kms.keyId, Enabled: true, KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeyManager: 'CUSTOMER' });
    expect(KeyMetadata?.CreationDate).toBeInstanceOf(Date);
  });

  it('key material persists across a restart on the same data dir', async () => {
    const first = await startLocalKms({ dataDir: join(root, 'restart') });
    const out = await kmsClient(first).send(new EncryptCommand({ KeyId: first.aliasName, Plaintext: Buffer.from('before restart'), EncryptionContext: context }));
    await first.close();

    const second = await start('restart');
    expect(second.keyId).toBe(first.keyId);
    const decrypted = await kmsClient(second).send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context, KeyId: first.keyArn }));
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).toString()).toBe('before restart');
  });

  it('the key file is mode 0600 in a 0700 directory', async () => {
    expect((await stat(join(root, 'main', 'kms', 'keys.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'main', 'kms', 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'main', 'kms'))).mode & 0o777).toBe(0o700);
  });
});

describe('local Secrets Manager', () => {
  it('GetSecretValue returns the same 64-byte secret by name and ARN across restarts', async () => {
    const first = await startLocalKms({ dataDir: join(root, 'secret') });
    const before = await secretsClient(first).send(new GetSecretValueCommand({ SecretId: 'egov-forms/hmac' }));
    await first.close();

    const second = await start('secret');
    expect(second.secretId).toBe(`arn:aws:secretsmanager:${region}:000000000000:secret:egov-forms/hmac-AbCdEf`);
    const after = await secretsClient(second).send(new GetSecretValueCommand({ SecretId: second.secretId }));
    expect(after.ARN).toBe(second.secretId);
    expect(after.Name).toBe('egov-forms/hmac');
    expect(after.SecretString).toBe(before.SecretString);
    expect(Buffer.from(after.SecretString as string, 'base64')).toHaveLength(64);
  });

  it('an unknown secret is ResourceNotFoundException', async () => {
    await expect(secretsClient(kms).send(new GetSecretValueCommand({ SecretId: 'egov-forms/other' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('local KMS fault injection', () => {
  it('a throttle fault is ThrottlingException', async () => {
    kms.faults.set({ operation: 'Encrypt', kind: 'throttle', times: 1 });
    await expect(errorName(encrypt())).resolves.toBe('ThrottlingException');
  });

  it('a single throttle fault is retried by the SDK and then succeeds', async () => {
    const injected = kms.faults.injected;
    kms.faults.set({ operation: 'GenerateDataKey', kind: 'throttle', times: 1 });
    const generated = await kmsClient(kms, 3).send(new GenerateDataKeyCommand({ KeyId: kms.keyId, KeySpec: 'AES_256', EncryptionContext: context }));
    expect(generated.Plaintext).toHaveLength(32);
    expect(kms.faults.injected).toBe(injected + 1);
  });

  it('an error fault is KMSInternalException', async () => {
    kms.faults.set({ kind: 'error', times: 1 });
    await expect(client.send(new DescribeKeyCommand({ KeyId: kms.keyId }))).rejects.toBeInstanceOf(KMSInternalException);
  });

  it('a delay fault answers normally after the delay', async () => {
    kms.faults.set({ operation: 'TrentService.DescribeKey', kind: 'delay', delayMs: 300, times: 1 });
    const began = performance.now();
    const described = await client.send(new DescribeKeyCommand({ KeyId: kms.keyId }));
    expect(performance.now() - began).toBeGreaterThanOrEqual(290);
    expect(described.KeyMetadata?.Arn).toBe(kms.keyArn);
  });

  it('a rule for another operation injects nothing', async () => {
    const injected = kms.faults.injected;
    kms.faults.set({ operation: 'Decrypt', kind: 'error' });
    await encrypt();
    expect(kms.faults.injected).toBe(injected);
  });

  it('/_faults sets, counts and clears faults over HTTP', async () => {
    const injected = kms.faults.injected;
    const set = await fetch(`${kms.url}/_faults`, { method: 'POST', body: JSON.stringify({ operation: 'Encrypt', kind: 'error' }) });
    expect(set.status).toBe(204);
    await expect(encrypt()).rejects.toBeInstanceOf(KMSInternalException);
    expect(await (await fetch(`${kms.url}/_faults`)).json()).toEqual({ injected: injected + 1 });
    expect((await fetch(`${kms.url}/_faults`, { method: 'DELETE' })).status).toBe(204);
    await expect(encrypt()).resolves.toBeInstanceOf(Buffer);
  });

  it('/_faults rejects an invalid rule with 400', async () => {
    const response = await fetch(`${kms.url}/_faults`, { method: 'POST', body: JSON.stringify({ kind: 'explode' }) });
    expect(response.status).toBe(400);
  });

  it('/_faults is 404 when faults are disabled', async () => {
    const plain = await start('no-faults');
    for (const method of ['GET', 'POST', 'DELETE']) {
      const body = method === 'POST' ? JSON.stringify({ kind: 'error' }) : undefined;
      expect((await fetch(`${plain.url}/_faults`, { method, body })).status).toBe(404);
    }
    expect(() => plain.faults.set({ kind: 'error' })).toThrow(/disabled/);
  });
});

describe('local KMS wire protocol', () => {
  /** `body` under `target`, signed by the real SDK with the instance's credentials; the error's name and status. */
  const post = async (headers: Record<string, string>, body: string): Promise<{ status: number | undefined; type: string }> => {
    const signer = kmsClient(kms);
    signer.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string>; body: unknown };
        Object.assign(request.headers, headers, { 'content-length': String(Buffer.byteLength(body)) });
        request.body = new TextEncoder().encode(body);
        return next(args);
      },
      { step: 'build' },
    );
    try {
      await signer.send(new DescribeKeyCommand({ KeyId: kms.keyId }));
      return { status: 200, type: 'none' };
    } catch (error) {
      const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
      return { status: failure.$metadata?.httpStatusCode, type: failure.name };
    } finally {
      signer.destroy();
    }
  };

  it('a request without an Authorization header is MissingAuthenticationTokenException', async () => {
    const response = await fetch(kms.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey' },
      body: JSON.stringify({ KeyId: kms.keyId }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('an unknown target is UnknownOperationException', async () => {
    for (const target of ['TrentService.ScheduleKeyDeletion', 'TrentService.__proto__', 'Nonsense']) {
      expect(await post({ 'x-amz-target': target }, '{}')).toEqual({ status: 400, type: 'UnknownOperationException' });
    }
  });

  it('malformed JSON is SerializationException', async () => {
    expect(await post({ 'x-amz-target': 'TrentService.DescribeKey' }, '{"KeyId":')).toEqual({ status: 400, type: 'SerializationException' });
  });

  it('a body over 1 MiB is 413', async () => {
    expect((await post({ 'x-amz-target': 'TrentService.Encrypt' }, JSON.stringify({ Plaintext: 'A'.repeat(1024 * 1024) }))).status).toBe(413);
  });
});
