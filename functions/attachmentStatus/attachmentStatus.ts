import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import type { AttachmentStore } from '#lib/attachments/store.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';

export interface AttachmentStatusDeps {
  attachments: AttachmentStore;
}

const notFound = () => new ProblemError('not-found', { detail: { de: 'Datei unbekannt.', en: 'Unknown attachment.' } });

/**
 * GET /forms/{formId}/attachments/{attachmentId}: where an upload stands. Says nothing but the
 * status (and why a file was rejected); an id of another form is unknown here. An unbound file
 * past its binding time (store.ts `bindableAt`: an hour before its 24 hours end) is `rejected`,
 * reason `expired`; after the 24 hours the id is unknown.
 */
export function createAttachmentStatus(deps: AttachmentStatusDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const attachmentId = event.pathParameters?.attachmentId ?? '';
    if (!ATTACHMENT_ID.test(attachmentId)) throw notFound();
    const ticket = await deps.attachments.get(attachmentId);
    if (!ticket || ticket.formId !== event.pathParameters?.formId) throw notFound();
    // An unbound file whose binding time has run out can no longer be used: the portal asks for it again.
    if (ticket.caseId === undefined && ticket.status !== 'rejected' && !deps.attachments.bindable(ticket)) {
      return json(200, { attachmentId, status: 'rejected', reason: 'expired' }, { noStore: true });
    }
    return json(200, { attachmentId, status: ticket.status, ...(ticket.reason ? { reason: ticket.reason } : {}) }, { noStore: true });
  };
}
