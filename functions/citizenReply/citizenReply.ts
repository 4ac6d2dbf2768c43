import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { AttachmentStore } from '#lib/attachments/store.ts';
import type { EventLog } from '#lib/cases/events.ts';
import { CITIZEN_ACTOR } from '#lib/cases/model.ts';
import { newId } from '#lib/cases/store.ts';
import { preferredLanguage } from '#lib/http/language.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import type { CitizenAccess } from '#lib/messages/citizenAccess.ts';
import { messagePut } from '#lib/messages/items.ts';
import { MAX_MESSAGE_CHARS, MAX_REPLIES, REPLY_KIND } from '#lib/messages/model.ts';
import { replyOf } from '#lib/messages/request.ts';
import { sealMessage } from '#lib/messages/sealing.ts';
import type { MessageStore } from '#lib/messages/store.ts';
import { messageFilesFor } from '#lib/messages/tickets.ts';

export interface CitizenReplyDeps {
  citizenCase: CitizenAccess;
  messages: Pick<MessageStore, 'replyCount'>;
  events: Pick<EventLog, 'appendWithin'>;
  attachments: AttachmentStore;
  dynamodb: DynamoDBClient;
  casesTable: string;
  kms: KMSClient;
  messageKeyId: string;
  now?: () => Date;
}

/** Two replies at once race for one slot: the loser takes the next (a few times at most). */
const SLOT_ATTEMPTS = 3;

function tooMany(language: 'de' | 'en', detail: { de: string; en: string }, pointer: string, keyword: string): ProblemError {
  return new ProblemError('validation-failed', { errors: [{ pointer, keyword, message: detail[language] }], detail });
}

/**
 * POST /status/{reference}/replies: the citizen answers, with text and files uploaded through
 * `POST /status/{reference}/attachments`, behind his status token. The reply is sealed under the
 * message context (this function can open nothing else) and written with `case.reply_received`
 * and its files in one transaction, into the next of MAX_REPLIES slots (at most 20, also under
 * concurrent replies). The reply never touches the case item: a case in `needs_info` moves back
 * to `in_review` through the worker functions/acceptReply, which holds the case's key.
 */
export function createCitizenReply(deps: CitizenReplyDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const { summary, expiresAt } = await deps.citizenCase(event);
    const body = replyOf(event.body);
    const language = preferredLanguage(event.headers['accept-language']);
    if ([...body.text].length > MAX_MESSAGE_CHARS) {
      throw tooMany(language, { de: `Eine Antwort hat höchstens ${MAX_MESSAGE_CHARS} Zeichen.`, en: `A reply has at most ${MAX_MESSAGE_CHARS} characters.` }, '/text', 'maxLength');
    }
    const limit = { de: `Ein Vorgang hat höchstens ${MAX_REPLIES} Antworten.`, en: `A case has at most ${MAX_REPLIES} replies.` };
    let count = await deps.messages.replyCount(summary.caseId);
    if (count >= MAX_REPLIES) throw tooMany(language, limit, '', 'maxItems');
    const files = await messageFilesFor(deps, summary, 'citizen', body.attachments ?? [], language);

    const at = (deps.now ?? (() => new Date()))().toISOString();
    const messageId = newId();
    const header = { messageId, at, from: 'citizen' as const, kind: REPLY_KIND, actor: CITIZEN_ACTOR, attachmentIds: files.files.map((file) => file.attachmentId) };
    const sealed = await sealMessage(deps.kms, deps.messageKeyId, { caseId: summary.caseId, office: summary.office, itemId: messageId }, { text: body.text, attachments: files.files });
    for (let attempt = 1; ; attempt++) {
      try {
        // The reply, its files and its event (linked to the case's chain), all or nothing.
        await deps.events.appendWithin(summary.caseId, { at, type: 'case.reply_received', actor: CITIZEN_ACTOR, detail: messageId }, expiresAt, [
          messagePut(deps.casesTable, summary.caseId, { ...header, sealed }, expiresAt, count + 1),
          ...files.items(deps.casesTable, header, expiresAt),
        ]);
        break;
      } catch (error) {
        const refusal = files.refusalOf(error, 1);
        if (refusal) throw refusal;
        const slotTaken = error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
        if (!slotTaken || attempt >= SLOT_ATTEMPTS) throw error;
        count = await deps.messages.replyCount(summary.caseId);
        if (count >= MAX_REPLIES) throw tooMany(language, limit, '', 'maxItems');
      }
    }
    // Built field by field, not parsed with zod (kept off the cold start): test/unit/messages/citizenRoutes.test.ts
    // holds it to the documented shape (citizenMessage).
    const answer = {
      at,
      from: 'citizen',
      kind: REPLY_KIND,
      text: body.text,
      attachments: files.files.map(({ attachmentId, fileName, mediaType, size }) => ({ attachmentId, fileName, mediaType, size })),
    };
    return json(201, answer, { noStore: true });
  };
}
