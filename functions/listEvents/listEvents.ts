import { caseIdOf, clerkOf } from '#lib/cases/access.ts';
import { issueCursor, readCursor } from '#lib/cases/cursor.ts';
import type { EventLog } from '#lib/cases/events.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import type { Hmac } from '#lib/crypto/hmac.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { eventsQueryOf } from './query.ts';

export interface ListEventsDeps {
  cases: CaseStore;
  events: EventLog;
  hmac: Hmac;
}

/** GET /cases/{caseId}/events: the case's audit trail, oldest first, one page at a time. */
export function createListEvents(deps: ListEventsDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const caseId = caseIdOf(event);
    const query = eventsQueryOf(event.queryStringParameters ?? {});
    const scope = { events: caseId };
    const after = query.cursor === undefined ? undefined : await readCursor(deps.hmac, scope, query.cursor);
    // The access check and the page are read together; the page is thrown away if the check fails.
    const [, page] = await Promise.all([deps.cases.assertVisibleTo(clerk, caseId), deps.events.page(caseId, query.limit ?? 100, after)]);
    return json(
      200,
      { items: page.items, nextCursor: page.more && page.last ? await issueCursor(deps.hmac, scope, page.last) : null },
      { noStore: true },
    );
  };
}
