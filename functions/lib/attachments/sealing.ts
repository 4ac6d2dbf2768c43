import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { IntegrityError } from '#lib/crypto/integrity.ts';

/**
 * Encryption of an attachment's metadata (its file name and checksum: personal data). The public
 * ticket route seals them under a fresh data key of the case key, bound by the KMS encryption
 * context to the attachment, its form and office; only clerk routes may open them. AES-256-GCM
 * with the same context as additional authenticated data, so a sealed record moved onto another
 * attachment no longer opens. The plaintext data key is zeroed after use.
 */

export const ATTACHMENT_CONTEXT_KEYS = ['attachmentId', 'formId', 'office', 'purpose'] as const;
export const ATTACHMENT_PURPOSE = 'attachment-meta';
const VERSION = 1;
const ALGORITHM = 'AES-256-GCM';

export interface AttachmentContext {
  readonly attachmentId: string;
  readonly formId: string;
  readonly office: string;
}

/** The sealed metadata as stored (DynamoDB binary attributes). */
export interface SealedMeta {
  readonly v: number;
  readonly alg: string;
  readonly kid: string;
  readonly edk: Uint8Array;
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
  readonly ct: Uint8Array;
}

/** What is sealed: the file name the citizen gave and the base64 SHA-256 of the bytes. */
export interface AttachmentMeta {
  readonly fileName: string;
  readonly sha256: string;
}

function kmsContext(context: AttachmentContext): Record<(typeof ATTACHMENT_CONTEXT_KEYS)[number], string> {
  return { attachmentId: context.attachmentId, formId: context.formId, office: context.office, purpose: ATTACHMENT_PURPOSE };
}

const aad = (context: AttachmentContext): Buffer =>
  Buffer.from(JSON.stringify([`egov-forms/attachment/v${VERSION}`, context.attachmentId, context.formId, context.office, ATTACHMENT_PURPOSE]), 'utf8');

export async function sealMeta(kms: KMSClient, keyId: string, context: AttachmentContext, meta: AttachmentMeta): Promise<SealedMeta> {
  const generated = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: kmsContext(context) }));
  const key = generated.Plaintext;
  try {
    if (!key || key.length !== 32 || !generated.CiphertextBlob || !generated.KeyId) throw new Error('KMS returned an incomplete data key');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(aad(context));
    const ct = Buffer.concat([cipher.update(JSON.stringify(meta), 'utf8'), cipher.final()]);
    return { v: VERSION, alg: ALGORITHM, kid: generated.KeyId, edk: generated.CiphertextBlob, iv, tag: cipher.getAuthTag(), ct };
  } finally {
    key?.fill(0);
  }
}

const INTEGRITY_FAILURES = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/** Opens sealed metadata (one KMS Decrypt with the attachment's context and the expected key id). */
export async function openMeta(kms: KMSClient, keyId: string, context: AttachmentContext, sealed: SealedMeta, caseId: string): Promise<AttachmentMeta> {
  if (sealed.v !== VERSION || sealed.alg !== ALGORITHM || sealed.iv.length !== 12 || sealed.tag.length !== 16) {
    throw new IntegrityError('malformed attachment envelope', caseId);
  }
  let key: Uint8Array | undefined;
  try {
    key = (await kms.send(new DecryptCommand({ CiphertextBlob: sealed.edk, KeyId: keyId, EncryptionContext: kmsContext(context) }))).Plaintext;
  } catch (error) {
    if (error instanceof Error && INTEGRITY_FAILURES.has(error.name)) throw new IntegrityError(error.name, caseId);
    throw error;
  }
  try {
    if (!key || key.length !== 32) throw new IntegrityError('data key has the wrong length', caseId);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: 16 });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(sealed.tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.ct), decipher.final()]);
    } catch {
      throw new IntegrityError('attachment authentication failed', caseId);
    }
    return JSON.parse(plain.toString('utf8')) as AttachmentMeta;
  } finally {
    key?.fill(0);
  }
}
