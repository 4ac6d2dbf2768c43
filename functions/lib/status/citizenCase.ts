import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { LiveCase, StatusLookup } from './lookup.ts';
import { referenceOf, statusTokenOf } from './request.ts';
import type { StatusTokens } from './token.ts';

/** The case a citizen's request is about, once he proved it is his. */
export type CitizenCase = Omit<LiveCase, 'citizen'>;

/** One answer for an unknown reference, a wrong token and everything unknown below them: nothing tells them apart. */
export const citizenNotFound = () =>
  new ProblemError('not-found', { detail: { de: 'Kein Vorgang zu diesem Aktenzeichen und Status-Token.', en: 'No case for this reference and status token.' } });

/**
 * The case a citizen's route (`/status/{reference}…`) asks about, for the holder of its status
 * token only; the one check of every such route (the message routes also take a citizen token,
 * functions/lib/messages/citizenAccess.ts). A missing or malformed `Status-Token` is the `400`;
 * unknown references and wrong tokens do the same work (one read, one HMAC, one constant-time
 * comparison) and get the same 404; only a matching token leads to the second read.
 */
export async function citizenCaseOf(
  deps: { lookup: StatusLookup; tokens: StatusTokens },
  event: Pick<HttpEvent<unknown>, 'headers' | 'pathParameters'>,
): Promise<CitizenCase> {
  const token = statusTokenOf(event.headers);
  const asked = referenceOf(event.pathParameters?.reference);
  const caseId = asked === undefined ? undefined : await deps.lookup.caseOf(asked);
  if (!(await deps.tokens.matches(caseId, token)) || caseId === undefined) throw citizenNotFound();
  const found = await deps.lookup.liveCaseOf(caseId);
  if (!found || found.summary.reference !== asked) throw citizenNotFound();
  return { summary: found.summary, expiresAt: found.expiresAt };
}
