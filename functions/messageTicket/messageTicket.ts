import { messageTicketRequestOf } from '#lib/attachments/ticketRequest.ts';
import { caseIdOf, clerkOf, visibleTo } from '#lib/cases/access.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import { preferredLanguage } from '#lib/http/language.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { issueMessageTicket, type MessageTicketDeps } from '#lib/messages/tickets.ts';

export interface MessageTicketRouteDeps extends MessageTicketDeps {
  cases: Pick<CaseStore, 'get'>;
}

/**
 * POST /cases/{caseId}/attachments: an upload ticket for a file of the office's next message to
 * the citizen (the decision PDF, a form to fill in): a presigned PUT into quarantine, then scan and
 * vault as for a citizen's file. Only a message of this case can bind it.
 */
export function createMessageTicket(deps: MessageTicketRouteDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const caseId = caseIdOf(event);
    const body = messageTicketRequestOf(event.body);
    const { summary } = visibleTo(clerk, await deps.cases.get(caseId));
    const ticket = await issueMessageTicket(deps, summary, 'office', body, preferredLanguage(event.headers['accept-language']));
    return json(201, ticket, { noStore: true });
  };
}
