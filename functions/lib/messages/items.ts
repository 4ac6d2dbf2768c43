import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { casePartition } from '#lib/cases/items.ts';
import { FILE_PREFIX } from '#lib/cases/tables.ts';
import { readSealedMeta, sealedMetaAttribute } from '#lib/attachments/store.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { MAX_REPLIES, type AnyMessageKind, type MessageAuthor, type MessageHeader } from './model.ts';
import type { SealedMessage } from './sealing.ts';

/**
 * Messages as items of the case's partition (docs/data-model.md), read by the same Query that
 * loads the case: an office's message under `CASE#MSG#<messageId>`, a citizen's reply in one of
 * MAX_REPLIES numbered slots `CASE#REPLY#01` … `#20` (a conditional put into the next free slot: at
 * most 20, also under concurrent replies, without the public route ever updating an item). A
 * message's files are file items of the partition (`CASE#FILE#<attachmentId>`) that name their
 * message instead of a form field; their names are sealed inside the message.
 */
type Item = Record<string, AttributeValue>;

export const MESSAGE_PREFIX = 'CASE#MSG#';
export const REPLY_PREFIX = 'CASE#REPLY#';

export const replySlotKey = (slot: number): string => `${REPLY_PREFIX}${String(slot).padStart(2, '0')}`;

/** The key of an office's message item. */
export const messageItemKey = (caseId: string, messageId: string): Item => ({ pk: casePartition(caseId), sk: { S: `${MESSAGE_PREFIX}${messageId}` } });

/** A message as stored: its header in plaintext (ids, time, author, kind), its content sealed. */
export interface StoredMessage extends MessageHeader {
  sealed: SealedMessage;
  /** The item's sort key, as read from the table (a reply's slot): what a follow-up delivery's state is written on. */
  sk?: string;
}

export function messagePut(tableName: string, caseId: string, message: StoredMessage, expiresAt: number, slot?: number): TransactWriteItem {
  if (message.from === 'citizen' && (slot === undefined || slot < 1 || slot > MAX_REPLIES)) throw new Error('a reply needs a slot');
  return {
    Put: {
      TableName: tableName,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: casePartition(caseId),
        sk: message.from === 'citizen' ? { S: replySlotKey(slot ?? 0) } : messageItemKey(caseId, message.messageId).sk!,
        messageId: { S: message.messageId },
        at: { S: message.at },
        from: { S: message.from },
        kind: { S: message.kind },
        actor: { S: message.actor },
        ...(message.attachmentIds.length > 0 ? { attachmentIds: { L: message.attachmentIds.map((id) => ({ S: id })) } } : {}),
        sealed: sealedMetaAttribute(message.sealed),
        expiresAt: { N: String(expiresAt) },
      },
    },
  };
}

/** Whether an item of the case's partition is a message or a reply. */
export const isMessageItem = (sk: string): boolean => sk.startsWith(MESSAGE_PREFIX) || sk.startsWith(REPLY_PREFIX);

const AUTHORS: readonly string[] = ['office', 'citizen'];
const KINDS: readonly string[] = ['request', 'information', 'decision', 'reply'];

export function readMessageItem(item: Item): StoredMessage {
  const s = (name: string): string => {
    const value = item[name]?.S;
    if (value === undefined) throw new Error(`message item lacks ${name}`);
    return value;
  };
  const from = s('from');
  const kind = s('kind');
  if (!AUTHORS.includes(from) || !KINDS.includes(kind)) throw new Error('message item has an unknown author or kind');
  if ((from === 'citizen') !== (kind === 'reply')) throw new Error('message item mixes author and kind');
  return {
    messageId: s('messageId'),
    at: s('at'),
    from: from as MessageAuthor,
    kind: kind as AnyMessageKind,
    actor: s('actor'),
    attachmentIds: (item.attachmentIds?.L ?? []).map((id) => id.S ?? ''),
    sealed: readSealedMeta(item.sealed),
    ...(item.sk?.S === undefined ? {} : { sk: item.sk.S }),
  };
}

/** A message item of a case; one that lacks what a message needs is damaged: an IntegrityError naming the case. */
export function readCaseMessage(caseId: string, item: Item): StoredMessage {
  try {
    return readMessageItem(item);
  } catch (error) {
    throw new IntegrityError(`damaged item: ${(error as Error).message}`, caseId);
  }
}

/** Oldest first: message ids are ULIDs. */
export const byMessageId = (a: { messageId: string }, b: { messageId: string }): number => (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);

/** The file item of a message's file: in the case's partition (so a clerk downloads it as any file of the case), naming its message. */
export function messageFilePut(
  tableName: string,
  caseId: string,
  file: { attachmentId: string; mediaType: string; size: number },
  message: Pick<MessageHeader, 'messageId' | 'kind'>,
  expiresAt: number,
): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: casePartition(caseId),
        sk: { S: `${FILE_PREFIX}${file.attachmentId}` },
        attachmentId: { S: file.attachmentId },
        messageId: { S: message.messageId },
        // What the citizen's download records: a decision's file is `case.decision_downloaded`.
        kind: { S: message.kind },
        mediaType: { S: file.mediaType },
        size: { N: String(file.size) },
        expiresAt: { N: String(expiresAt) },
      },
    },
  };
}

/** Whether a file item of the case's partition belongs to a message (not to the submitted form). */
export const isMessageFile = (item: Item): boolean => item.messageId?.S !== undefined;
