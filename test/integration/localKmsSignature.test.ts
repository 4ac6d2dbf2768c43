// The local KMS and Secrets Manager answer only requests signed (SigV4) with the credentials the
// stack generated: any other local process must not be able to unwrap data keys.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeKeyCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalKms, type LocalKms } from '../../infra/local/kms.ts';

const region = 'eu-central-1';
let root: string;
let kms: LocalKms;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-kms-sig-'));
  kms = await startLocalKms({ dataDir: root });
});
afterAll(async () => {
  await kms.close();
  await rm(root, { recursive: true, force: true });
});

type Credentials = { accessKeyId: string; secretAccessKey: string };
const client = (credentials: Credentials, extra: object = {}) => new KMSClient({ region, credentials, endpoint: kms.url, maxAttempts: 1, ...extra });

/** The refusal as the SDK reports it: exception name and HTTP status. */
async function refusal(work: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await work;
    return { name: 'accepted', status: 200 };
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode };
  }
}

const generate = (kmsClient: KMSClient) =>
  kmsClient.send(new GenerateDataKeyCommand({ KeyId: kms.keyArn, KeySpec: 'AES_256', EncryptionContext: { purpose: 'test' } }));

describe('local KMS signature check', () => {
  it('accepts the unmodified SDK client signing with the generated credentials', async () => {
    const out = await generate(client(kms.credentials));
    expect(out.Plaintext).toHaveLength(32);
  });

  it('keeps the generated credentials in a 0600 file, random per data dir', async () => {
    expect((await stat(join(root, 'credentials.json'))).mode & 0o777).toBe(0o600);
    expect(kms.credentials.accessKeyId).toMatch(/^LOCAL[0-9A-F]{32}$/);
    expect(kms.credentials.secretAccessKey.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses a request without a signature with 400 MissingAuthenticationTokenException', async () => {
    const response = await fetch(kms.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.GenerateDataKey' },
      body: JSON.stringify({ KeyId: kms.keyArn, KeySpec: 'AES_256' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('refuses a made-up Authorization header naming the right access key id', async () => {
    const response = await fetch(kms.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'TrentService.GenerateDataKey',
        'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''),
        authorization: `AWS4-HMAC-SHA256 Credential=${kms.credentials.accessKeyId}/20260101/${region}/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      },
      body: JSON.stringify({ KeyId: kms.keyArn, KeySpec: 'AES_256' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'InvalidSignatureException' });
  });

  it('refuses a request signed with another access key as UnrecognizedClientException', async () => {
    const stranger = { accessKeyId: `LOCAL${randomBytes(16).toString('hex').toUpperCase()}`, secretAccessKey: kms.credentials.secretAccessKey };
    expect(await refusal(generate(client(stranger)))).toEqual({ name: 'UnrecognizedClientException', status: 400 });
  });

  it('refuses the right access key id signed with another secret as InvalidSignatureException', async () => {
    const forger = { accessKeyId: kms.credentials.accessKeyId, secretAccessKey: randomBytes(30).toString('base64url') };
    expect(await refusal(generate(client(forger)))).toEqual({ name: 'InvalidSignatureException', status: 400 });
  });

  it('refuses a correctly signed request whose body was changed after signing', async () => {
    const tampering = client(kms.credentials);
    tampering.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: Uint8Array };
        // Same length, so only the signature can tell.
        request.body = new TextEncoder().encode(new TextDecoder().decode(request.body).replace('AES_256', 'AES_128'));
        return next(args);
      },
      { step: 'deserialize' }, // after signing, just before sending
    );
    expect(await refusal(generate(tampering))).toEqual({ name: 'InvalidSignatureException', status: 400 });
  });

  it('refuses a correctly signed request whose target was changed after signing', async () => {
    const tampering = client(kms.credentials);
    tampering.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-target'] = 'TrentService.DescribeKey';
        return next(args);
      },
      { step: 'deserialize' },
    );
    expect(await refusal(generate(tampering))).toEqual({ name: 'InvalidSignatureException', status: 400 });
  });

  it('refuses a signature more than 15 minutes old', async () => {
    const late = client(kms.credentials, { systemClockOffset: -20 * 60 * 1000 });
    expect(await refusal(late.send(new DescribeKeyCommand({ KeyId: kms.keyArn })))).toEqual({ name: 'InvalidSignatureException', status: 400 });
  });

  it('refuses a KMS request signed for another service', async () => {
    const secretsSigned = client(kms.credentials, { signingName: 'secretsmanager' });
    expect(await refusal(secretsSigned.send(new DescribeKeyCommand({ KeyId: kms.keyArn })))).toEqual({ name: 'InvalidSignatureException', status: 400 });
  });
});

describe('local Secrets Manager signature check', () => {
  const secrets = (credentials: Credentials) => new SecretsManagerClient({ region, credentials, endpoint: kms.url, maxAttempts: 1 });

  it('answers the generated credentials', async () => {
    const out = await secrets(kms.credentials).send(new GetSecretValueCommand({ SecretId: kms.secretId }));
    expect(out.SecretString).toBeDefined();
  });

  it('refuses another access key', async () => {
    const stranger = { accessKeyId: 'LOCALSTRANGER0000000000', secretAccessKey: 'x'.repeat(40) };
    expect(await refusal(secrets(stranger).send(new GetSecretValueCommand({ SecretId: kms.secretId })))).toEqual({ name: 'UnrecognizedClientException', status: 400 });
  });
});
