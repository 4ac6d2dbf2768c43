import { citizenStatus, reference as referenceShape, statusHeaders, type CitizenStatus } from '#lib/api/schemas.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import type { StatusLookup } from '#lib/status/lookup.ts';
import type { StatusTokens } from '#lib/status/token.ts';

export interface GetStatusDeps {
  lookup: StatusLookup;
  tokens: StatusTokens;
}

/** One answer for an unknown reference and a wrong token: nothing tells them apart. */
const notFound = () =>
  new ProblemError('not-found', { detail: { de: 'Kein Vorgang zu diesem Aktenzeichen und Status-Token.', en: 'No case for this reference and status token.' } });

/**
 * GET /status/{reference}: a citizen asks where his application stands, proving with the status
 * token of his 201 (or his confirmation mail) that it is his. Unknown references and wrong tokens
 * do the same work (one read, one HMAC, one constant-time comparison) and get the same 404; only a
 * matching token leads to the second read. Status and times only: never data, notes, office or clerk.
 */
export function createGetStatus(deps: GetStatusDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const headers = parseRequest(statusHeaders, event.headers, 'header');
    const asked = referenceShape.safeParse(event.pathParameters?.reference);
    const caseId = asked.success ? await deps.lookup.caseOf(asked.data) : undefined;
    if (!(await deps.tokens.matches(caseId, headers['status-token'])) || caseId === undefined) throw notFound();
    const summary = await deps.lookup.summaryOf(caseId);
    if (!summary) throw notFound();
    const answer: CitizenStatus = {
      reference: summary.reference,
      formId: summary.formId,
      status: summary.status,
      receivedAt: summary.receivedAt,
      updatedAt: summary.updatedAt,
    };
    return json(200, citizenStatus.parse(answer), { noStore: true });
  };
}
