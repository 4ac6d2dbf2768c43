import type { KMSClient } from '@aws-sdk/client-kms';
import type { AttachmentStore } from '#lib/attachments/store.ts';
import { caseIdOf, clerkOf } from '#lib/cases/access.ts';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, summaryMessage, verifyStoredCase } from '#lib/cases/integrity.ts';
import { allowedTransitions, canTransition, type CaseEvent, type CaseStatus, type CaseSummary } from '#lib/cases/model.ts';
import { changeEvent, newId, nextSummary, StaleCaseError, type CaseStore } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import { preferredLanguage } from '#lib/http/language.ts';
import { ifMatchOf } from '#lib/http/ifMatch.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { messagePut } from '#lib/messages/items.ts';
import { MAX_MESSAGE_CHARS, type MessageKind } from '#lib/messages/model.ts';
import { messageRequestOf } from '#lib/messages/request.ts';
import { sealMessage } from '#lib/messages/sealing.ts';
import { messageFilesFor } from '#lib/messages/tickets.ts';

export interface SendMessageDeps {
  cases: CaseStore;
  events: Pick<EventLog, 'appendWithin'>;
  attachments: AttachmentStore;
  kms: KMSClient;
  caseKeyId: string;
  messageKeyId: string;
  casesTable: string;
  now?: () => Date;
}

const entityTagOf = (version: number): string => `"${version}"`;

/** Where a message of this kind takes the case: a request asks for something (needs_info); the others keep the status. */
function statusAfter(kind: MessageKind, status: CaseStatus): CaseStatus {
  if (kind === 'request') {
    if (!canTransition(status, 'needs_info')) throw refused(status, 'needs_info', allowedTransitions(status));
    return 'needs_info';
  }
  if (kind === 'decision' && status !== 'approved' && status !== 'rejected') throw refused(status, 'decision', []);
  return status;
}

function refused(from: CaseStatus, what: string, allowed: readonly CaseStatus[]): ProblemError {
  if (what === 'decision') {
    return new ProblemError('invalid-transition', {
      detail: {
        de: `Ein Bescheid braucht den Status „approved“ oder „rejected“, nicht „${from}“.`,
        en: `A decision needs the status "approved" or "rejected", not "${from}".`,
      },
    });
  }
  return new ProblemError('invalid-transition', {
    detail: {
      de: `Eine Nachforderung führt nach „${what}“, das von „${from}“ aus nicht erlaubt ist; erlaubt: ${allowed.join(', ') || 'keiner'}.`,
      en: `A request moves the case to "${what}", which is not allowed from "${from}"; allowed: ${allowed.join(', ') || 'none'}.`,
    },
  });
}

/**
 * POST /cases/{caseId}/messages: a clerk writes to the citizen (API.md, "Messages between office and
 * citizen"). Like PATCH, with `If-Match` and optimistic locking: under the case's data key (one
 * Decrypt) the stored summary MAC is checked and renewed for the summary after the message (a
 * request moves the case to `needs_info`); the message is sealed under the message context (one
 * GenerateDataKey) with its files' names; case, events (`case.status_changed` for a request,
 * `case.message_sent`), message and files are written in one transaction.
 */
export function createSendMessage(deps: SendMessageDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const caseId = caseIdOf(event);
    const body = messageRequestOf(event.body);
    const ifMatch = ifMatchOf(event.headers);
    if (ifMatch === undefined) throw new ProblemError('precondition-required');
    const language = preferredLanguage(event.headers['accept-language']);

    const current = await deps.cases.loadFor(clerk, caseId);
    const { summary, envelope, notes } = current;
    if (ifMatch !== entityTagOf(summary.version)) throw new ProblemError('precondition-failed', { headers: { ETag: entityTagOf(summary.version) } });
    const to = statusAfter(body.kind, summary.status);
    if ([...body.text].length > MAX_MESSAGE_CHARS) {
      const message = { de: `Eine Nachricht hat höchstens ${MAX_MESSAGE_CHARS} Zeichen.`, en: `A message has at most ${MAX_MESSAGE_CHARS} characters.` };
      throw new ProblemError('validation-failed', { errors: [{ pointer: '/text', keyword: 'maxLength', message: message[language] }], detail: message });
    }
    const files = await messageFilesFor(deps, summary, 'office', body.attachments ?? [], language);

    const at = (deps.now ?? (() => new Date()))().toISOString();
    const messageId = newId();
    const header = { messageId, at, from: 'office' as const, kind: body.kind, actor: clerk.sub, attachmentIds: files.files.map((file) => file.attachmentId) };
    const [sealed, mac] = await Promise.all([
      sealMessage(deps.kms, deps.messageKeyId, { caseId, office: summary.office, itemId: messageId }, { text: body.text, attachments: files.files }),
      withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
        verifyStoredCase(key, current, notes);
        return key.mac(summaryMessage(nextSummary(summary, { to, at }), current.expiresAt, notes));
      }),
    ]);
    const recorded: CaseEvent[] = [
      ...(to === summary.status ? [] : [changeEvent(summary, { to, at, actor: clerk.sub })]),
      { at, type: 'case.message_sent', actor: clerk.sub, detail: messageId },
    ];
    const alsoWrite = [messagePut(deps.casesTable, caseId, { ...header, sealed }, current.expiresAt), ...files.items(deps.casesTable, header, current.expiresAt)];

    let next: CaseSummary;
    try {
      next = await deps.cases.change(current, { to, actor: clerk.sub, at, mac, events: recorded, alsoWrite });
    } catch (error) {
      if (error instanceof StaleCaseError) throw new ProblemError('precondition-failed');
      // The files come after the case, its events and the message in the transaction.
      throw files.refusalOf(error, 1 + recorded.length + 1) ?? error;
    }
    return json(201, next, { noStore: true, headers: { ETag: entityTagOf(next.version) } });
  };
}
