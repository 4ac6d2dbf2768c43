import type { CaseSummary } from '#lib/cases/model.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { StatusLookup } from './lookup.ts';
import { referenceOf, statusTokenOf } from './request.ts';
import type { StatusTokens } from './token.ts';

/** One answer for an unknown reference and a wrong token: nothing tells them apart. */
const notFound = () =>
  new ProblemError('not-found', { detail: { de: 'Kein Vorgang zu diesem Aktenzeichen und Status-Token.', en: 'No case for this reference and status token.' } });

/**
 * The case a citizen's route (`/status/{reference}…`) asks about, for the holder of its status
 * token only. Unknown references and wrong tokens do the same work (one read, one HMAC, one
 * constant-time comparison) and get the same 404; only a matching token leads to the second read.
 */
export async function citizenCaseOf(deps: { lookup: StatusLookup; tokens: StatusTokens }, event: HttpEvent<unknown>): Promise<CaseSummary> {
  const token = statusTokenOf(event.headers);
  const asked = referenceOf(event.pathParameters?.reference);
  const caseId = asked === undefined ? undefined : await deps.lookup.caseOf(asked);
  if (!(await deps.tokens.matches(caseId, token)) || caseId === undefined) throw notFound();
  const summary = await deps.lookup.summaryOf(caseId);
  if (!summary) throw notFound();
  return summary;
}
