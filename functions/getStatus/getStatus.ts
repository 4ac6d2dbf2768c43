import type { CitizenStatus } from '#lib/api/schemas.ts';
import type { EventLog } from '#lib/cases/events.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { citizenCaseOf } from '#lib/status/citizenCase.ts';
import type { StatusLookup } from '#lib/status/lookup.ts';
import type { StatusTokens } from '#lib/status/token.ts';

export interface GetStatusDeps {
  lookup: StatusLookup;
  tokens: StatusTokens;
  events: Pick<EventLog, 'all'>;
}

/**
 * GET /status/{reference}: a citizen asks where his application stands, proving with the status
 * token of his 201 (or his confirmation mail) that it is his. Unknown references and wrong tokens
 * do the same work (one read, one HMAC, one constant-time comparison) and get the same 404; only a
 * matching token leads to the reads of the case and its events (for the status changes). Status
 * and times only: never data, notes, office or clerk.
 */
export function createGetStatus(deps: GetStatusDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const { summary } = await citizenCaseOf(deps, event);
    const history = (await deps.events.all(summary.caseId)).flatMap((recorded) =>
      (recorded.type === 'case.received' || recorded.type === 'case.status_changed') && recorded.to ? [{ at: recorded.at, status: recorded.to }] : [],
    );
    const answer: CitizenStatus = {
      reference: summary.reference,
      formId: summary.formId,
      status: summary.status,
      receivedAt: summary.receivedAt,
      updatedAt: summary.updatedAt,
      history,
    };
    // Built field by field from the stored summary: test/unit/status/getStatus.test.ts holds it to the
    // documented shape (citizenStatus), which is not parsed here, to keep zod off the cold start.
    return json(200, answer, { noStore: true });
  };
}
