import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { serviceProviderKey } from '#lib/bundid/spKey.ts';
import { serviceProviderKeyPair } from '../../support/signInSettings.ts';

/** A Secrets Manager client answering each GetSecretValue with the next of `answers` (a string, or an error to throw). */
function secrets(answers: (string | Error)[]): { client: SecretsManagerClient; calls: () => number } {
  let calls = 0;
  const client = {
    send: async () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls += 1;
      if (answer instanceof Error) throw answer;
      return { SecretString: answer };
    },
  } as unknown as SecretsManagerClient;
  return { client, calls: () => calls };
}

describe("the service provider's signing key", () => {
  const { privateKeyPem } = serviceProviderKeyPair();

  it('is fetched and parsed once per container: every sign-in gets the same parsed key', async () => {
    const { client, calls } = secrets([privateKeyPem]);
    const key = serviceProviderKey(client, 'sp-key');
    const [first, second] = await Promise.all([key(), key()]);
    const third = await key();
    expect(first).toBeInstanceOf(KeyObject);
    expect(first?.asymmetricKeyType).toBe('rsa');
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(calls()).toBe(1);
  });

  it('refuses a secret without a PEM private key, or with a key that is not RSA, and fetches again on the next request', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { client, calls } = secrets(['not a key', ec, new Error('throttled'), privateKeyPem]);
    const key = serviceProviderKey(client, 'sp-key');
    await expect(key()).rejects.toThrow('holds no PEM private key');
    await expect(key()).rejects.toThrow('not an RSA key');
    await expect(key()).rejects.toThrow('throttled');
    expect((await key()).asymmetricKeyType).toBe('rsa');
    expect(calls()).toBe(4);
  });
});
