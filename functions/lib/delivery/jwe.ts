import { CompactEncrypt, importJWK, type JWK } from 'jose';
import * as z from 'zod';

/**
 * End-to-end encryption to the destination: a compact JWE (RFC 7516) with RSA-OAEP-256 key
 * wrapping and A256GCM content encryption, to the destination's public key, naming its `kid`.
 * Only the holder of the private key (the back-office system) can read the payload; neither a TLS
 * terminating proxy nor a misrouted request sees plaintext.
 */
export const JWE_ALG = 'RSA-OAEP-256';
export const JWE_ENC = 'A256GCM';
export const MIN_RSA_BITS = 3072;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

/** A destination's public encryption key as configured: RSA, at least 3072 bits, with a `kid`, without private parts. */
export const publicJwkShape = z
  .looseObject({
    kty: z.literal('RSA'),
    kid: z.string().min(1).max(200),
    n: base64url,
    e: base64url,
    alg: z.literal(JWE_ALG).optional(),
    use: z.literal('enc').optional(),
    key_ops: z.array(z.string()).optional(),
  })
  .refine((jwk) => PRIVATE_MEMBERS.every((member) => !(member in jwk)), 'must be a public key: it holds private key material')
  .refine((jwk) => modulusBits(jwk.n) >= MIN_RSA_BITS, `must be an RSA key of at least ${MIN_RSA_BITS} bits`)
  .refine((jwk) => !jwk.key_ops || jwk.key_ops.every((op) => op === 'wrapKey' || op === 'encrypt'), 'key_ops must allow wrapKey');

export type PublicJwk = z.infer<typeof publicJwkShape>;

function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start) * 8 - Math.clz32(bytes[start]!) + 24;
}

/**
 * Encrypts the payload to the key. `key_ops` is dropped before the import: WebCrypto would demand
 * that ["wrapKey"] match the usage it asks for (`encrypt` for RSA-OAEP), although wrapping the
 * content key is exactly what the destination allowed.
 */
export async function encryptFor(jwk: PublicJwk, payload: Uint8Array): Promise<string> {
  const { key_ops: _keyOps, use: _use, ...importable } = jwk;
  const key = await importJWK(importable as JWK, JWE_ALG);
  return new CompactEncrypt(payload).setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, kid: jwk.kid, cty: 'application/json' }).encrypt(key);
}
