import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The service provider's private signing key (PEM), from Secrets Manager, once per container on
 * first use (a failed fetch is retried by the next request). Never logged, never in an answer.
 */
export function serviceProviderKey(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  let key: Promise<string> | undefined;
  const load = async (): Promise<string> => {
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const pem = result.SecretString ?? '';
    if (!/^-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(pem.trim())) throw new Error('the BundID signing key secret holds no PEM private key');
    return pem;
  };
  return () =>
    (key ??= load().catch((error: unknown) => {
      key = undefined;
      throw error;
    }));
}
