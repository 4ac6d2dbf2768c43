import { TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { MEDIA_TYPES, type MediaType } from '#lib/attachments/fields.ts';
import type { FileTicketRequest } from '#lib/attachments/ticketRequest.ts';
import { issueTicket } from '#lib/attachments/ticketIssue.ts';
import type { AttachmentStore, Ticket } from '#lib/attachments/store.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { newId } from '#lib/cases/store.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { Language } from '#lib/http/language.ts';
import { messageFilePut } from './items.ts';
import { MAX_MESSAGE_FILES, MESSAGE_FILE_FIELD, type MessageAuthor, type MessageFile, type MessageHeader } from './model.ts';
import { openMessage, sealMessage } from './sealing.ts';

/**
 * Files of messages and replies: an upload ticket for one case (`POST /cases/{caseId}/attachments`
 * for the office, `POST /status/{reference}/attachments` for the citizen), then the same
 * quarantine, scan and vault as a submission's files. The ticket's file name and checksum are
 * sealed under the message context (sealing.ts), so that the citizen's routes, which may open
 * nothing else, can name the files of his messages.
 */

/** A message's file is at most this large (as a form's file may be, API.md). */
export const MAX_MESSAGE_FILE_BYTES = 20 * 1024 * 1024;

/** A message's file about to be uploaded: a form's file without its `field`. */
export type MessageTicketRequest = FileTicketRequest;

export interface MessageTicketDeps {
  attachments: AttachmentStore;
  kms: KMSClient;
  messageKeyId: string;
  s3: S3Client;
  quarantineBucket: string;
  now?: () => Date;
}

const unfit = (pointer: string, keyword: string, message: { de: string; en: string }, language: Language) =>
  new ProblemError('validation-failed', { errors: [{ pointer, keyword, message: message[language] }] });

/** Issues a ticket for a file of a message of `summary`'s case by `author`: the 201 body of both ticket routes. */
export async function issueMessageTicket(deps: MessageTicketDeps, summary: CaseSummary, author: MessageAuthor, body: MessageTicketRequest, language: Language) {
  if (!(MEDIA_TYPES as readonly string[]).includes(body.mediaType)) {
    throw unfit('/mediaType', 'enum', { de: `muss einer von ${MEDIA_TYPES.join(', ')} sein`, en: `must be one of ${MEDIA_TYPES.join(', ')}` }, language);
  }
  if (body.size > MAX_MESSAGE_FILE_BYTES) {
    throw unfit('/size', 'maximum', { de: `darf höchstens ${MAX_MESSAGE_FILE_BYTES} Bytes groß sein`, en: `must be at most ${MAX_MESSAGE_FILE_BYTES} bytes` }, language);
  }
  const now = (deps.now ?? (() => new Date()))();
  const attachmentId = newId(now.getTime());
  const meta = await sealMessage(deps.kms, deps.messageKeyId, { caseId: summary.caseId, office: summary.office, itemId: attachmentId }, { fileName: body.fileName, sha256: body.sha256 });
  const ticket = {
    attachmentId,
    formId: summary.formId,
    formVersion: summary.formVersion,
    office: summary.office,
    field: MESSAGE_FILE_FIELD[author],
    forCase: summary.caseId,
    mediaType: body.mediaType as MediaType,
    size: body.size,
    meta,
  };
  return issueTicket(deps, ticket, body.sha256, now);
}

type Refusal = 'unknown' | 'not-clean' | 'rejected' | 'expired' | 'bound' | 'twice' | 'too-many';

const REFUSALS: Record<Refusal, { de: string; en: string }> = {
  unknown: { de: 'nennt keine für diesen Vorgang hochgeladene Datei', en: 'names no file uploaded for this case' },
  'not-clean': { de: 'die Datei ist noch nicht geprüft', en: 'the file has not been checked yet' },
  rejected: { de: 'die Datei wurde abgelehnt', en: 'the file was rejected' },
  expired: { de: 'die Datei ist abgelaufen; bitte laden Sie sie erneut hoch', en: 'the file has expired; please upload it again' },
  bound: { de: 'die Datei gehört schon zu einer Nachricht', en: 'the file already belongs to a message' },
  twice: { de: 'dieselbe Datei steht schon in dieser Nachricht', en: 'the same file already stands in this message' },
  'too-many': { de: `eine Nachricht hat höchstens ${MAX_MESSAGE_FILES} Dateien`, en: `a message has at most ${MAX_MESSAGE_FILES} files` },
};

function refusalOf(store: AttachmentStore, ticket: Ticket | undefined, caseId: string, author: MessageAuthor): Refusal | undefined {
  if (!ticket || ticket.forCase !== caseId || ticket.field !== MESSAGE_FILE_FIELD[author]) return 'unknown';
  if (ticket.caseId !== undefined) return 'bound';
  if (ticket.status === 'rejected') return 'rejected';
  if (!store.bindable(ticket)) return 'expired';
  if (ticket.status !== 'clean') return 'not-clean';
  return undefined;
}

/** The files a message binds, checked and named. */
export interface MessageFiles {
  readonly files: MessageFile[];
  /** The transaction items that bind them to the case and record them in its partition. */
  items(tableName: string, message: Pick<MessageHeader, 'messageId' | 'kind'>, expiresAt: number): TransactWriteItem[];
  /** A cancelled transaction whose bind conditions (from `firstIndex` on) failed, a race: the 422; else undefined. */
  refusalOf(error: unknown, firstIndex: number): ProblemError | undefined;
}

/**
 * Loads the tickets a message names (one GetItem each), refuses the message with `422
 * validation-failed` (pointer `/attachments/<i>`, keyword `attachment`) unless each is a clean,
 * unbound file uploaded for this case by this side, and opens their names (one KMS Decrypt each,
 * message context).
 */
export async function messageFilesFor(
  deps: { attachments: AttachmentStore; kms: KMSClient; messageKeyId: string },
  summary: Pick<CaseSummary, 'caseId' | 'office'>,
  author: MessageAuthor,
  ids: readonly string[],
  language: Language,
): Promise<MessageFiles> {
  if (ids.length > MAX_MESSAGE_FILES) throw unfit('/attachments', 'maxItems', REFUSALS['too-many'], language);
  const tickets = await Promise.all(ids.map((id) => deps.attachments.get(id)));
  const errors: { pointer: string; keyword: string; message: string }[] = [];
  ids.forEach((id, index) => {
    const refusal = ids.indexOf(id) !== index ? 'twice' : refusalOf(deps.attachments, tickets[index], summary.caseId, author);
    if (refusal) errors.push({ pointer: `/attachments/${index}`, keyword: 'attachment', message: REFUSALS[refusal][language] });
  });
  if (errors.length > 0) throw new ProblemError('validation-failed', { errors });
  const bound = tickets as Ticket[];
  const files = await Promise.all(
    bound.map(async (ticket) => {
      const meta = await openMessage<{ fileName: string; sha256: string }>(
        deps.kms,
        deps.messageKeyId,
        { caseId: summary.caseId, office: summary.office, itemId: ticket.attachmentId },
        ticket.meta,
      );
      return { attachmentId: ticket.attachmentId, fileName: meta.fileName, mediaType: ticket.mediaType, size: ticket.size, sha256: meta.sha256 };
    }),
  );
  return {
    files,
    items: (tableName, message, expiresAt) =>
      bound.flatMap((ticket) => [deps.attachments.bind(ticket, summary.caseId, expiresAt), messageFilePut(tableName, summary.caseId, ticket, message, expiresAt)]),
    refusalOf(error, firstIndex) {
      if (!(error instanceof TransactionCanceledException)) return undefined;
      const reasons = error.CancellationReasons ?? [];
      const lost = bound.flatMap((_, index) => (reasons[firstIndex + 2 * index]?.Code === 'ConditionalCheckFailed' ? [index] : []));
      if (lost.length === 0) return undefined;
      return new ProblemError('validation-failed', {
        errors: lost.map((index) => ({ pointer: `/attachments/${index}`, keyword: 'attachment', message: REFUSALS.bound[language] })),
      });
    },
  };
}
