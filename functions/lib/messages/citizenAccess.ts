import { createHash, timingSafeEqual } from 'node:crypto';
import { reference as referenceShape, statusHeaders } from '#lib/api/schemas.ts';
import { bearerTokenOf } from '#lib/bundid/citizen.ts';
import type { CitizenTokens } from '#lib/bundid/token.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { parseRequest } from '#lib/http/parse.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { CaseLookup } from '#lib/status/lookup.ts';
import type { StatusTokens } from '#lib/status/token.ts';

/** The case a citizen's request is about, once he proved it is his. */
export interface CitizenCase {
  summary: CaseSummary;
  expiresAt: number;
}

/** One answer for an unknown reference, a wrong token and everything unknown below them: nothing tells them apart. */
export const citizenNotFound = () =>
  new ProblemError('not-found', { detail: { de: 'Kein Vorgang zu diesem Aktenzeichen und Status-Token.', en: 'No case for this reference and status token.' } });

export interface CitizenAccessDeps {
  lookup: CaseLookup;
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
 * - `Status-Token` (every case): unknown references and wrong tokens do the same work (one read,
 *   one HMAC, one constant-time comparison);
 * - without a `Status-Token`, `Authorization: Bearer <citizen token>` (API.md, *Citizen sign-in*):
 *   a valid, unexpired token of this stack whose `sub` is the one stored with the case (the key of
 *   the citizen index that `GET /me/cases` reads). A case submitted without sign-in has no stored
 *   subject, so no citizen token opens it; an invalid or expired token, another citizen's token and
 *   an unknown reference are the same 404 (known and unknown references both cost two reads).
 * Neither header is the `400` of a missing `Status-Token`, as before.
 */
export function createCitizenAccess(deps: CitizenAccessDeps) {
  async function byStatusToken(event: Pick<HttpEvent<unknown>, 'headers' | 'pathParameters'>): Promise<CitizenCase> {
    const headers = parseRequest(statusHeaders, event.headers, 'header');
    const asked = referenceShape.safeParse(event.pathParameters?.reference);
    const caseId = asked.success ? await deps.lookup.caseOf(asked.data) : undefined;
    if (!(await deps.tokens.matches(caseId, headers['status-token'])) || caseId === undefined) throw citizenNotFound();
    const found = await deps.lookup.liveCaseOf(caseId);
    if (!found || found.summary.reference !== asked.data) throw citizenNotFound();
    return { summary: found.summary, expiresAt: found.expiresAt };
  }

  async function byCitizenToken(event: Pick<HttpEvent<unknown>, 'headers' | 'pathParameters'>): Promise<CitizenCase> {
    const token = bearerTokenOf(event.headers);
    const citizen = token === undefined ? undefined : await deps.citizens.verify(token);
    if (!citizen) throw citizenNotFound();
    const asked = referenceShape.safeParse(event.pathParameters?.reference);
    const caseId = asked.success ? await deps.lookup.caseOf(asked.data) : undefined;
    const found = await deps.lookup.liveCaseOf(caseId ?? NO_CASE);
    const matches = sameSubject(found?.citizen, citizen.sub);
    if (!matches || !found || caseId === undefined || found.summary.reference !== asked.data) throw citizenNotFound();
    return { summary: found.summary, expiresAt: found.expiresAt };
  }

  return async (event: Pick<HttpEvent<unknown>, 'headers' | 'pathParameters'>): Promise<CitizenCase> =>
    event.headers['status-token'] === undefined && event.headers.authorization !== undefined ? byCitizenToken(event) : byStatusToken(event);
}

export type CitizenAccess = ReturnType<typeof createCitizenAccess>;
