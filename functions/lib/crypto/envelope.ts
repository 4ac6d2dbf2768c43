import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { IntegrityError } from './integrity.ts';

export { IntegrityError } from './integrity.ts';

/**
 * Envelope encryption of one case: a fresh KMS data key per case, bound to the case by the KMS
 * encryption context (case, form, form version, office), and AES-256-GCM with the same context
 * (plus the part's name) as additional authenticated data. A MAC key derived from the data key
 * authenticates what is stored beside the ciphertext (the case summary and its notes' metadata),
 * so that only holders of the data key can change them unnoticed. The plaintext data key lives
 * only inside `sealNewCase` / `withDataKey` and is zeroed before they return.
 */

export const ENVELOPE_VERSION = 2;
export const ALGORITHM = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MAC_BYTES = 32;

/** What a case's data key is bound to: a case moved to another office, form or version no longer opens. */
export interface CaseContext {
  readonly caseId: string;
  readonly formId: string;
  readonly formVersion: number;
  readonly office: string;
}

/** The KMS encryption-context keys of case envelopes; the stack's key policy and grants require exactly these. */
export const CASE_CONTEXT_KEYS = ['caseId', 'formId', 'formVersion', 'office', 'purpose'] as const;
export const CASE_PURPOSE = 'case-data';

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

export function kmsContext(context: CaseContext): Record<(typeof CASE_CONTEXT_KEYS)[number], string> {
  return {
    caseId: context.caseId,
    formId: context.formId,
    formVersion: String(context.formVersion),
    office: context.office,
    purpose: CASE_PURPOSE,
  };
}

/** AAD: the KMS context and the part name, in a fixed order, so a part cannot move between cases or slots. */
function aad(context: CaseContext, part: string): Buffer {
  return Buffer.from(
    JSON.stringify([`egov-forms/v${ENVELOPE_VERSION}`, context.caseId, context.formId, String(context.formVersion), context.office, CASE_PURPOSE, part]),
    'utf8',
  );
}

/** The case's data key, lent for the duration of one operation. */
export interface DataKey {
  seal(part: string, plaintext: Uint8Array): SealedPart;
  open(part: string, sealed: SealedPart): Buffer;
  /** HMAC-SHA256 of `message` under a key derived from the data key (HKDF, its own purpose). */
  mac(message: string): Buffer;
  /** Throws an IntegrityError unless `mac` is this key's MAC of `message` (constant-time comparison). */
  verify(message: string, mac: Uint8Array | undefined): void;
}

/** The data key's operations, and `wipe`, which zeroes the MAC key derived from it. */
function dataKeyFor(key: Uint8Array, context: CaseContext): DataKey & { wipe(): void } {
  const macKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `egov-forms/v${ENVELOPE_VERSION}/${context.caseId}/summary-mac`, MAC_BYTES));
  const mac = (message: string) => createHmac('sha256', macKey).update(message, 'utf8').digest();
  return {
    wipe: () => macKey.fill(0),
    seal(part, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context, part));
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { v: ENVELOPE_VERSION, alg: ALGORITHM, iv, tag: cipher.getAuthTag(), ct };
    },
    open(part, sealed) {
      if (sealed.v !== ENVELOPE_VERSION || sealed.alg !== ALGORITHM) throw new IntegrityError('unknown envelope format', context.caseId);
      if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new IntegrityError('malformed envelope', context.caseId);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(context, part));
        decipher.setAuthTag(sealed.tag);
        return Buffer.concat([decipher.update(sealed.ct), decipher.final()]);
      } catch {
        throw new IntegrityError('authentication failed', context.caseId);
      }
    },
    mac,
    verify(message, given) {
      const expected = mac(message);
      if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new IntegrityError('summary authentication failed', context.caseId);
      }
    },
  };
}

/**
 * Seals a new case's form data under a fresh data key (one `GenerateDataKey`, never `Decrypt`:
 * the public submit path cannot open what it stored) and lends the key to `use` (which stores the
 * case and authenticates its summary); the key is zeroed when `use` settles.
 */
export async function sealNewCase<T>(
  kms: KMSClient,
  keyId: string,
  context: CaseContext,
  data: Uint8Array,
  use: (envelope: Envelope, key: DataKey) => T | Promise<T>,
): Promise<T> {
  const generated = await kms.send(
    new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: kmsContext(context) }),
  );
  const key = generated.Plaintext;
  if (!key || key.length !== KEY_BYTES || !generated.CiphertextBlob || !generated.KeyId) {
    key?.fill(0);
    throw new Error('KMS returned an incomplete data key');
  }
  const dataKey = dataKeyFor(key, context);
  try {
    const sealed = dataKey.seal('data', data);
    return await use({ ...sealed, kid: generated.KeyId, edk: generated.CiphertextBlob }, dataKey);
  } finally {
    dataKey.wipe();
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
  if (envelope.v !== ENVELOPE_VERSION || envelope.alg !== ALGORITHM) throw new IntegrityError('unknown envelope format', context.caseId);
  let key: Uint8Array | undefined;
  try {
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: envelope.edk, KeyId: expectedKeyId, EncryptionContext: kmsContext(context) }),
    );
    key = decrypted.Plaintext;
  } catch (error) {
    if (error instanceof Error && INTEGRITY_FAILURES.has(error.name)) throw new IntegrityError(error.name, context.caseId);
    throw error;
  }
  if (!key || key.length !== KEY_BYTES) {
    key?.fill(0);
    throw new IntegrityError('data key has the wrong length', context.caseId);
  }
  const dataKey = dataKeyFor(key, context);
  try {
    return await use(dataKey);
  } finally {
    dataKey.wipe();
    key.fill(0);
  }
}
