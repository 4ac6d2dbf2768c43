import { errors, jwtVerify, SignJWT } from 'jose';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { identityOf, type CitizenIdentity } from './identity.ts';

/**
 * The citizen token (API.md, *Citizen sign-in*): a JWT (HS256) the stack signs with a key derived
 * from its HMAC secret under a purpose of its own, valid for at most 30 minutes, carrying the
 * citizen's identity (identity.ts). Only this stack issues and verifies it, so a symmetric key
 * suffices, and no further secret needs rotating; rotating the HMAC secret ends every sign-in.
 */
export const CITIZEN_TOKEN_TTL_SECONDS = 30 * 60;
const ISSUER = 'egov-forms';
const AUDIENCE = 'egov-forms/citizen';
const KEY_PURPOSE = 'bundid/citizen-token-key/v1';

export interface CitizenTokens {
  issue(identity: CitizenIdentity): Promise<string>;
  /** The identity of a valid, unexpired token of this stack; undefined for anything else. */
  verify(token: string): Promise<CitizenIdentity | undefined>;
  /** `sub` of a bPK2: an HMAC under the stack's secret, base64url. */
  subjectOf(bpk2: string): Promise<string>;
}

export function citizenTokens(hmac: Hmac, now: () => Date = () => new Date()): CitizenTokens {
  const key = () => hmac.digest(KEY_PURPOSE);
  return {
    async issue(identity) {
      const { sub, ...claims } = identity;
      const issuedAt = Math.floor(now().getTime() / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + CITIZEN_TOKEN_TTL_SECONDS)
        .sign(await key());
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await key(), {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp', 'iat'],
          maxTokenAge: CITIZEN_TOKEN_TTL_SECONDS,
          currentDate: now(),
        });
        return identityOf(payload);
      } catch (error) {
        // A secret that cannot be read is a dependency failure (503), not a bad token.
        if (error instanceof errors.JOSEError) return undefined;
        throw error;
      }
    },
    async subjectOf(bpk2) {
      return (await hmac.digest('bundid/bpk2', bpk2)).toString('base64url');
    },
  };
}
