import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

/**
 * The local stand-in for the Cognito user pool: an RS256 signing key kept under the data dir, ID
 * tokens shaped like Cognito's, and verification the way API Gateway's Cognito authorizer does it
 * (signature against the pool's JWKS, expiry, issuer, audience, token_use = id).
 */
export const LOCAL_ISSUER = 'https://cognito-idp.local/egov-forms-local';
export const LOCAL_CLIENT_ID = 'egov-forms-local-clerks';
const KID = 'local-1';

interface StoredKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

async function loadOrCreateKeys(dir: string): Promise<StoredKeys> {
  const file = join(dir, 'user-pool-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKeys;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const keys: StoredKeys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid: KID, alg: 'RS256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' },
  };
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(keys), { mode: 0o600 });
  renameSync(temp, file);
  return keys;
}

export interface MintOptions {
  sub: string;
  offices: string[];
  ttlSeconds?: number;
}

export async function mintToken(dir: string, options: MintOptions): Promise<string> {
  const { privateJwk } = await loadOrCreateKeys(dir);
  const key = await importJWK(privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    'cognito:groups': options.offices,
    'cognito:username': options.sub,
    token_use: 'id',
    auth_time: now,
  })
    .setProtectedHeader({ alg: 'RS256', kid: KID })
    .setSubject(options.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_CLIENT_ID)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 3600))
    .sign(key);
}

export type TokenVerifier = (authorization: string | undefined) => Promise<JWTPayload | undefined>;

/** Returns the claims of a valid bearer ID token, undefined for anything else. */
export async function createTokenVerifier(dir: string): Promise<TokenVerifier> {
  const { publicJwk } = await loadOrCreateKeys(dir);
  const key = await importJWK(publicJwk, 'RS256');
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_.-]{1,8192})$/.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    try {
      const { payload } = await jwtVerify(match[1], key, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_CLIENT_ID,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      return payload.token_use === 'id' ? payload : undefined;
    } catch {
      return undefined;
    }
  };
}
