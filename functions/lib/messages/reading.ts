import type { KMSClient } from '@aws-sdk/client-kms';
import type { CaseSummary } from '#lib/cases/model.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { byMessageId, type StoredMessage } from './items.ts';
import type { MessageContent } from './model.ts';
import { openMessage } from './sealing.ts';

/** A message opened: its header and its content (what `GET /cases/{caseId}` and `GET /status/{reference}/messages` show). */
export interface OpenedMessage {
  messageId: string;
  at: string;
  from: StoredMessage['from'];
  kind: StoredMessage['kind'];
  actor: string;
  text: string;
  attachments: MessageContent['attachments'];
}

/**
 * Opens a case's messages (one KMS Decrypt each, message context), oldest first. A message whose
 * sealed content names other files than its item does is damaged: an IntegrityError, never a
 * partial answer.
 */
export async function openMessages(
  kms: KMSClient,
  keyId: string,
  summary: Pick<CaseSummary, 'caseId' | 'office'>,
  messages: readonly StoredMessage[],
): Promise<OpenedMessage[]> {
  const opened = await Promise.all(
    messages.map(async (message) => {
      const content = await openMessage<MessageContent>(kms, keyId, { caseId: summary.caseId, office: summary.office, itemId: message.messageId }, message.sealed);
      const named = content.attachments.map((file) => file.attachmentId);
      if (named.join() !== message.attachmentIds.join()) throw new IntegrityError('message names other files than its item', summary.caseId);
      return { messageId: message.messageId, at: message.at, from: message.from, kind: message.kind, actor: message.actor, text: content.text, attachments: content.attachments };
    }),
  );
  return opened.sort(byMessageId);
}
