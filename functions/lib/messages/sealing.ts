import type { KMSClient } from '@aws-sdk/client-kms';
import { openItem, sealItem, type ItemBinding, type SealedItem } from '#lib/crypto/sealedItem.ts';

/**
 * Encryption of what is addressed to the citizen: messages, replies and the names of their files.
 * Each item is sealed under a fresh data key of the case key whose KMS encryption context names
 * the case, its office, the item and the purpose `message` (crypto/sealedItem.ts), so that the
 * public citizen routes can be granted `kms:Decrypt` for this purpose alone: they open messages,
 * never form data, notes or a submission's attachment metadata (other purposes).
 */

export const MESSAGE_CONTEXT_KEYS = ['caseId', 'itemId', 'office', 'purpose'] as const;
export const MESSAGE_PURPOSE = 'message';
const VERSION = 1;

export interface MessageContext {
  readonly caseId: string;
  readonly office: string;
  /** The message id, or the attachment id of a message file's ticket. */
  readonly itemId: string;
}

export type SealedMessage = SealedItem;

export function messageKmsContext(context: MessageContext): Record<(typeof MESSAGE_CONTEXT_KEYS)[number], string> {
  return { caseId: context.caseId, itemId: context.itemId, office: context.office, purpose: MESSAGE_PURPOSE };
}

function bindingOf(context: MessageContext): ItemBinding {
  return {
    version: VERSION,
    kmsContext: messageKmsContext(context),
    aad: Buffer.from(JSON.stringify([`egov-forms/message/v${VERSION}`, context.caseId, context.itemId, context.office, MESSAGE_PURPOSE]), 'utf8'),
  };
}

export async function sealMessage(kms: KMSClient, keyId: string, context: MessageContext, content: unknown): Promise<SealedMessage> {
  return sealItem(kms, keyId, bindingOf(context), JSON.stringify(content));
}

/** Opens a sealed item (one KMS Decrypt with its context and the expected key id). */
export async function openMessage<T>(kms: KMSClient, keyId: string, context: MessageContext, sealed: SealedMessage): Promise<T> {
  return JSON.parse(await openItem(kms, keyId, bindingOf(context), sealed, context.caseId, 'message')) as T;
}
