import { messageTicketRequestOf } from '#lib/attachments/ticketRequest.ts';
import { preferredLanguage } from '#lib/http/language.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import type { CitizenAccess } from '#lib/messages/citizenAccess.ts';
import { issueMessageTicket, type MessageTicketDeps } from '#lib/messages/tickets.ts';

export interface ReplyTicketDeps extends MessageTicketDeps {
  citizenCase: CitizenAccess;
}

/**
 * POST /status/{reference}/attachments: an upload ticket for a file of the citizen's next reply,
 * behind his status token (the same 404 for everything unknown); scan and vault as for a form's
 * file. Only a reply to this case can bind it.
 */
export function createReplyTicket(deps: ReplyTicketDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const { summary } = await deps.citizenCase(event);
    const body = messageTicketRequestOf(event.body);
    const ticket = await issueMessageTicket(deps, summary, 'citizen', body, preferredLanguage(event.headers['accept-language']));
    return json(201, ticket, { noStore: true });
  };
}
