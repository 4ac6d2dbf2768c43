import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/**
 * Envelope encryption of one case: a fresh KMS data key per case, bound to the case by the KMS
 * encryption context, and AES-256-GCM with the same context (plus the part's name) as additional
 * authenticated data. The plaintext data key lives only inside `seal` / `withDataKey` and is zeroed
 * before they return.
 */

export const ENVELOPE_VERSION = 1;
export const ALGORITHM = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The KMS encryption context; its keys are the ones the stack's key policy allows. */
export interface CaseContext {
  readonly caseId: string;
  readonly formId: string;
}

/** One authenticated ciphertext under a case's data key. */
export interface SealedPart {
  readonly v: number;
  readonly alg: string;
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
  readonly ct: Uint8Array;
}

/** The case's stored envelope: its form data plus the wrapped data key that opens every part. */
export interface Envelope extends SealedPart {
  /** Key id (ARN) of the KMS key that wrapped the data key. */
  readonly kid: string;
  /** The data key, encrypted by KMS under `kid` with the case's encryption context. */
  readonly edk: Uint8Array;
}

/** A stored ciphertext failed authentication, or its key or context does not belong to this case. */
export class IntegrityError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'IntegrityError';
  }
}

export function kmsContext(context: CaseContext): Record<string, string> {
  return { caseId: context.caseId, formId: context.formId, purpose: 'case-data' };
}

/** AAD: the KMS context and the part name, in a fixed order, so a part cannot move between cases or slots. */
function aad(context: CaseContext, part: string): Buffer {
  return Buffer.from(JSON.stringify(['egov-forms/v1', context.caseId, context.formId, 'case-data', part]), 'utf8');
}

export interface DataKey {
  seal(part: string, plaintext: Uint8Array): SealedPart;
  open(part: string, sealed: SealedPart): Buffer;
}

function dataKeyFor(key: Uint8Array, context: CaseContext): DataKey {
  return {
    seal(part, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context, part));
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { v: ENVELOPE_VERSION, alg: ALGORITHM, iv, tag: cipher.getAuthTag(), ct };
    },
    open(part, sealed) {
      if (sealed.v !== ENVELOPE_VERSION || sealed.alg !== ALGORITHM) throw new IntegrityError('unknown envelope format');
      if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new IntegrityError('malformed envelope');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(context, part));
        decipher.setAuthTag(sealed.tag);
        return Buffer.concat([decipher.update(sealed.ct), decipher.final()]);
      } catch {
        throw new IntegrityError('authentication failed');
      }
    },
  };
}

/**
 * Seals a new case's form data under a fresh data key (one `GenerateDataKey`, never `Decrypt`:
 * the public submit path cannot open what it stored).
 */
export async function sealNewCase(kms: KMSClient, keyId: string, context: CaseContext, data: Uint8Array): Promise<Envelope> {
  const generated = await kms.send(
    new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: kmsContext(context) }),
  );
  const key = generated.Plaintext;
  if (!key || key.length !== 32 || !generated.CiphertextBlob || !generated.KeyId) {
    key?.fill(0);
    throw new Error('KMS returned an incomplete data key');
  }
  try {
    const sealed = dataKeyFor(key, context).seal('data', data);
    return { ...sealed, kid: generated.KeyId, edk: generated.CiphertextBlob };
  } finally {
    key.fill(0);
  }
}

const INTEGRITY_FAILURES = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * Unwraps the case's data key (one `Decrypt`, with the case's context and the expected key id) and
 * lends it to `use`; the key is zeroed when `use` settles. A context or key that does not match
 * is an IntegrityError; KMS being unavailable is not.
 */
export async function withDataKey<T>(
  kms: KMSClient,
  expectedKeyId: string,
  context: CaseContext,
  envelope: Pick<Envelope, 'edk' | 'v' | 'alg'>,
  use: (key: DataKey) => T | Promise<T>,
): Promise<T> {
  if (envelope.v !== ENVELOPE_VERSION || envelope.alg !== ALGORITHM) throw new IntegrityError('unknown envelope format');
  let key: Uint8Array | undefined;
  try {
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: envelope.edk, KeyId: expectedKeyId, EncryptionContext: kmsContext(context) }),
    );
    key = decrypted.Plaintext;
  } catch (error) {
    if (error instanceof Error && INTEGRITY_FAILURES.has(error.name)) throw new IntegrityError(error.name);
    throw error;
  }
  if (!key || key.length !== 32) {
    key?.fill(0);
    throw new IntegrityError('data key has the wrong length');
  }
  try {
    return await use(dataKeyFor(key, context));
  } finally {
    key.fill(0);
  }
}
