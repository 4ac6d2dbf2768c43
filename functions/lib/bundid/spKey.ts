import { createPrivateKey, type KeyObject } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The service provider's private signing key, from Secrets Manager (PEM), fetched and parsed once
 * per container on first use: a sign-in signs with the parsed key and parses no PEM. A failed fetch,
 * or a secret that holds no RSA private key, is retried by the next request. Never logged, never in
 * an answer.
 */
export function serviceProviderKey(client: SecretsManagerClient, secretId: string): () => Promise<KeyObject> {
  let key: Promise<KeyObject> | undefined;
  const load = async (): Promise<KeyObject> => {
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const pem = result.SecretString ?? '';
    if (!/^-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(pem.trim())) throw new Error('the BundID signing key secret holds no PEM private key');
    const parsed = createPrivateKey(pem);
    if (parsed.asymmetricKeyType !== 'rsa') throw new Error('the BundID signing key is not an RSA key');
    return parsed;
  };
  return () =>
    (key ??= load().catch((error: unknown) => {
      key = undefined;
      throw error;
    }));
}
