import type { KMSClient } from '@aws-sdk/client-kms';
import { openItem, sealItem, type ItemBinding, type SealedItem } from '#lib/crypto/sealedItem.ts';

/**
 * Encryption of an attachment's metadata (its file name and checksum: personal data). The public
 * ticket route seals them under a fresh data key of the case key, bound by the KMS encryption
 * context to the attachment, its form and office; only clerk routes may open them. AES-256-GCM
 * with the same context as additional authenticated data, so a sealed record moved onto another
 * attachment no longer opens (crypto/sealedItem.ts). The plaintext data key is zeroed after use.
 */

export const ATTACHMENT_CONTEXT_KEYS = ['attachmentId', 'formId', 'office', 'purpose'] as const;
export const ATTACHMENT_PURPOSE = 'attachment-meta';
const VERSION = 1;

export interface AttachmentContext {
  readonly attachmentId: string;
  readonly formId: string;
  readonly office: string;
}

/** The sealed metadata as stored (DynamoDB binary attributes). */
export type SealedMeta = SealedItem;

/** What is sealed: the file name the citizen gave and the base64 SHA-256 of the bytes. */
export interface AttachmentMeta {
  readonly fileName: string;
  readonly sha256: string;
}

function bindingOf(context: AttachmentContext): ItemBinding {
  return {
    version: VERSION,
    kmsContext: { attachmentId: context.attachmentId, formId: context.formId, office: context.office, purpose: ATTACHMENT_PURPOSE },
    aad: Buffer.from(JSON.stringify([`egov-forms/attachment/v${VERSION}`, context.attachmentId, context.formId, context.office, ATTACHMENT_PURPOSE]), 'utf8'),
  };
}

export async function sealMeta(kms: KMSClient, keyId: string, context: AttachmentContext, meta: AttachmentMeta): Promise<SealedMeta> {
  return sealItem(kms, keyId, bindingOf(context), JSON.stringify(meta));
}

/** Opens sealed metadata (one KMS Decrypt with the attachment's context and the expected key id). */
export async function openMeta(kms: KMSClient, keyId: string, context: AttachmentContext, sealed: SealedMeta, caseId: string): Promise<AttachmentMeta> {
  return JSON.parse(await openItem(kms, keyId, bindingOf(context), sealed, caseId, 'attachment')) as AttachmentMeta;
}
