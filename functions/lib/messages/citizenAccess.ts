import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerTokenOf } from '#lib/bundid/citizen.ts';
import type { CitizenTokens } from '#lib/bundid/token.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { citizenCaseOf, citizenNotFound, type CitizenCase } from '#lib/status/citizenCase.ts';
import type { StatusLookup } from '#lib/status/lookup.ts';
import { referenceOf } from '#lib/status/request.ts';
import type { StatusTokens } from '#lib/status/token.ts';

export interface CitizenAccessDeps {
  lookup: StatusLookup;
  tokens: StatusTokens;
  /** The citizen tokens of BundID sign-in (bundid/token.ts): the second way in, for cases submitted after sign-in. */
  citizens: Pick<CitizenTokens, 'verify'>;
}

/** The case id read when a reference is unknown: the citizen-token path does the same two reads either way. */
const NO_CASE = '00000000000000000000000000';

/** Whether two citizen subjects (base64url HMACs) are the same, in constant time. */
function sameSubject(stored: string | undefined, presented: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(stored ?? ''), digest(presented)) && stored !== undefined;
}

/**
 * Load-and-authorise for the citizens' message routes (`/status/{reference}/…`): the reference of
 * the path names a live case, and the request proves it is the citizen's, or the answer is the
 * same `404` as for `GET /status/{reference}`. Two ways to prove it:
 * - `Status-Token` (every case), the check of every status route (status/citizenCase.ts): unknown
 *   references and wrong tokens do the same work (one read, one HMAC, one constant-time comparison);
 * - without a `Status-Token`, `Authorization: Bearer <citizen token>` (API.md, *Citizen sign-in*):
 *   a valid, unexpired token of this stack whose `sub` is the one stored with the case (the key of
 *   the citizen index that `GET /me/cases` reads). A case submitted without sign-in has no stored
 *   subject, so no citizen token opens it; an invalid or expired token, another citizen's token and
 *   an unknown reference are the same 404 (known and unknown references both cost two reads).
 * Neither header is the `400` of a missing `Status-Token`, as before.
 */
export function createCitizenAccess(deps: CitizenAccessDeps) {
  async function byCitizenToken(event: Pick<HttpEvent<unknown>, 'headers' | 'pathParameters'>): Promise<CitizenCase> {
    const token = bearerTokenOf(event.headers);
    const citizen = token === undefined ? undefined : await deps.citizens.verify(token);
    if (!citizen) throw citizenNotFound();
    const asked = referenceOf(event.pathParameters?.reference);
    const caseId = asked === undefined ? undefined : await deps.lookup.caseOf(asked);
    const found = await deps.lookup.liveCaseOf(caseId ?? NO_CASE);
    const matches = sameSubject(found?.citizen, citizen.sub);
    if (!matches || !found || caseId === undefined || found.summary.reference !== asked) throw citizenNotFound();
    return { summary: found.summary, expiresAt: found.expiresAt };
  }

  return async (event: Pick<HttpEvent<unknown>, 'headers' | 'pathParameters'>): Promise<CitizenCase> =>
    event.headers['status-token'] === undefined && event.headers.authorization !== undefined ? byCitizenToken(event) : citizenCaseOf(deps, event);
}

export type CitizenAccess = ReturnType<typeof createCitizenAccess>;
