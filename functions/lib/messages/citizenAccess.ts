import { reference as referenceShape, statusHeaders } from '#lib/api/schemas.ts';
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
}

/**
 * Load-and-authorise for the citizens' message routes (`/status/{reference}/…`): the reference of
 * the path and the `Status-Token` header name a live case, or the answer is the same `404` as for
 * `GET /status/{reference}`. Unknown references and wrong tokens do the same work (one read, one
 * HMAC, one constant-time comparison). The one place where a second way in (the citizen token of
 * a form with sign-in) is to be added.
 */
export function createCitizenAccess(deps: CitizenAccessDeps) {
  return async (event: Pick<HttpEvent<unknown>, 'headers' | 'pathParameters'>): Promise<CitizenCase> => {
    const headers = parseRequest(statusHeaders, event.headers, 'header');
    const asked = referenceShape.safeParse(event.pathParameters?.reference);
    const caseId = asked.success ? await deps.lookup.caseOf(asked.data) : undefined;
    if (!(await deps.tokens.matches(caseId, headers['status-token'])) || caseId === undefined) throw citizenNotFound();
    const found = await deps.lookup.liveCaseOf(caseId);
    if (!found || found.summary.reference !== asked.data) throw citizenNotFound();
    return found;
  };
}

export type CitizenAccess = ReturnType<typeof createCitizenAccess>;
