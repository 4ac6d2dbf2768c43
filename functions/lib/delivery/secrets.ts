import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** A destination's signing secret must be long enough to be a key, not a password. */
export const MIN_SECRET_CHARS = 32;
const CACHE_MS = 5 * 60 * 1000;

/**
 * Signing secrets from Secrets Manager, cached per cold start for a few minutes (a rotated secret
 * is picked up within that time; the receiver accepts either signature meanwhile, see signature.ts).
 */
export function createSigningSecrets(client: Pick<SecretsManagerClient, 'send'>, now: () => number = Date.now) {
  const cache = new Map<string, { value: string; until: number }>();
  return async (secretId: string): Promise<string> => {
    const cached = cache.get(secretId);
    if (cached && cached.until > now()) return cached.value;
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = result.SecretString;
    if (!value || value.length < MIN_SECRET_CHARS) throw new Error(`signing secret ${secretId} is missing or shorter than ${MIN_SECRET_CHARS} characters`);
    cache.set(secretId, { value, until: now() + CACHE_MS });
    return value;
  };
}

export type SigningSecrets = ReturnType<typeof createSigningSecrets>;
