import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { IntegrityError } from './integrity.ts';

/**
 * One small item sealed under a fresh data key of the case key: GenerateDataKey with the item's
 * KMS encryption context, AES-256-GCM with additional authenticated data that repeats the context,
 * the plaintext data key zeroed after use. Attachment metadata (attachments/sealing.ts) and
 * messages (messages/sealing.ts) are such items, each with a context and purpose of its own.
 */

export const SEALED_ITEM_ALGORITHM = 'AES-256-GCM';

/** A sealed item as stored (DynamoDB binary attributes). */
export interface SealedItem {
  readonly v: number;
  readonly alg: string;
  readonly kid: string;
  readonly edk: Uint8Array;
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
  readonly ct: Uint8Array;
}

/** How an item is bound: its KMS encryption context, its AAD, its format version. */
export interface ItemBinding {
  readonly version: number;
  readonly kmsContext: Record<string, string>;
  readonly aad: Buffer;
}

export async function sealItem(kms: KMSClient, keyId: string, binding: ItemBinding, plaintext: string): Promise<SealedItem> {
  const generated = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: binding.kmsContext }));
  const key = generated.Plaintext;
  try {
    if (!key || key.length !== 32 || !generated.CiphertextBlob || !generated.KeyId) throw new Error('KMS returned an incomplete data key');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(binding.aad);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { v: binding.version, alg: SEALED_ITEM_ALGORITHM, kid: generated.KeyId, edk: generated.CiphertextBlob, iv, tag: cipher.getAuthTag(), ct };
  } finally {
    key?.fill(0);
  }
}

const INTEGRITY_FAILURES = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * Opens a sealed item (one KMS Decrypt with its context and the expected key id). A malformed item,
 * a context or key that does not match, or a tag that does not verify is an IntegrityError naming
 * the case; KMS being unavailable is not.
 */
export async function openItem(kms: KMSClient, keyId: string, binding: ItemBinding, sealed: SealedItem, caseId: string, what: string): Promise<string> {
  if (sealed.v !== binding.version || sealed.alg !== SEALED_ITEM_ALGORITHM || sealed.iv.length !== 12 || sealed.tag.length !== 16) {
    throw new IntegrityError(`malformed ${what} envelope`, caseId);
  }
  let key: Uint8Array | undefined;
  try {
    key = (await kms.send(new DecryptCommand({ CiphertextBlob: sealed.edk, KeyId: keyId, EncryptionContext: binding.kmsContext }))).Plaintext;
  } catch (error) {
    if (error instanceof Error && INTEGRITY_FAILURES.has(error.name)) throw new IntegrityError(error.name, caseId);
    throw error;
  }
  try {
    if (!key || key.length !== 32) throw new IntegrityError('data key has the wrong length', caseId);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: 16 });
    decipher.setAAD(binding.aad);
    decipher.setAuthTag(sealed.tag);
    try {
      return Buffer.concat([decipher.update(sealed.ct), decipher.final()]).toString('utf8');
    } catch {
      throw new IntegrityError(`${what} authentication failed`, caseId);
    }
  } finally {
    key?.fill(0);
  }
}
