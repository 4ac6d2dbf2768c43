import { accessesOf } from '#lib/audit/accesses.ts';
import { officeDisplayName, type OfficeNames } from '#lib/audit/officeNames.ts';
import type { EventLog } from '#lib/cases/events.ts';
import { preferredLanguage } from '#lib/http/language.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { citizenCaseOf } from '#lib/status/citizenCase.ts';
import type { StatusLookup } from '#lib/status/lookup.ts';
import type { StatusTokens } from '#lib/status/token.ts';

export interface GetAccessesDeps {
  lookup: StatusLookup;
  tokens: StatusTokens;
  events: Pick<EventLog, 'all'>;
  officeNames: OfficeNames;
}


/**
 * GET /status/{reference}/accesses: who saw the application's data (the German
 * *Datenschutzcockpit*), for the holder of its status token, with the same 404 as GET /status for
 * an unknown reference or a wrong token. Reads the case's events (never decrypts anything) and
 * names offices by their display name, workers as `system`, never a clerk.
 */
export function createGetAccesses(deps: GetAccessesDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const { summary } = await citizenCaseOf(deps, event);
    const caseId = summary.caseId;
    const events = await deps.events.all(caseId);
    const officeName = officeDisplayName(deps.officeNames, summary.office, preferredLanguage(event.headers['accept-language']));
    // accessesOf builds each item field by field; not parsed with zod (kept off the cold start):
    // test/unit/audit/accesses.test.ts holds the answer to the documented shape (citizenAccesses).
    return json(200, { items: accessesOf(events, officeName) }, { noStore: true });
  };
}
