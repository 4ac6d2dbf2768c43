import { timingSafeEqual } from 'node:crypto';
import type { Hmac } from '#lib/crypto/hmac.ts';

/**
 * The citizen's status token (API.md, "Citizens' status and confirmation"): an HMAC-SHA256 of the
 * case id under the stack's HMAC secret, with a purpose of its own, sent base64url (256 bits).
 * It is derived, never stored: the 201, an idempotent replay and the confirmation mail all derive
 * the same token, and the status route derives it again to compare. Whoever holds the secret can
 * derive every token; rotating the secret invalidates all status links (docs/operations.md).
 */
const PURPOSE = 'status-token/v1';

/** The case id the status route derives a token for when a reference is unknown: same work, same timing class. */
const NO_CASE = '00000000000000000000000000';

export interface StatusTokens {
  /** The token of a case, as the 201 and the confirmation mail carry it. */
  issue(caseId: string): Promise<string>;
  /**
   * Whether `presented` is the token of `caseId` (constant-time). With `caseId` undefined (an
   * unknown reference) it does the same HMAC and comparison and answers false.
   */
  matches(caseId: string | undefined, presented: string): Promise<boolean>;
}

export function statusTokens(hmac: Hmac): StatusTokens {
  const derive = (caseId: string) => hmac.digest(PURPOSE, caseId);
  return {
    async issue(caseId) {
      return (await derive(caseId)).toString('base64url');
    },
    async matches(caseId, presented) {
      const expected = await derive(caseId ?? NO_CASE);
      // A token of the wrong length decodes to a buffer of another length: compare against a
      // same-length copy anyway, so that the work does not depend on what was presented.
      const given = Buffer.alloc(expected.length);
      const decoded = Buffer.from(presented, 'base64url');
      decoded.copy(given, 0, 0, Math.min(decoded.length, given.length));
      const equal = timingSafeEqual(given, expected);
      const canonical = decoded.length === expected.length && decoded.toString('base64url') === presented;
      return caseId !== undefined && equal && canonical;
    },
  };
}
