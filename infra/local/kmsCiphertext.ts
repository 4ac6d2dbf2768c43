// The local KMS's ciphertext blob. Like a real KMS symmetric ciphertext it is self-describing, so
// Decrypt needs no KeyId, and it binds the encryption context as authenticated data, so a blob
// only opens with exactly the context it was sealed with.
//
//   [0]      format version (1)
//   [1..17)  key id, the key's UUID as 16 raw bytes
//   [17..29) IV, 96 bits, random per blob
//   [29..45) GCM authentication tag
//   [45..)   AES-256-GCM ciphertext under the key's material
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

const FORMAT_VERSION = 1;
const KEY_ID_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

export type EncryptionContext = Readonly<Record<string, string>>;

export interface CiphertextParts {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * Canonical additional authenticated data: format version, key id and the context's entries
 * sorted by key (code-unit order), as JSON so no two different contexts serialise alike. An empty
 * context and a missing one are the same, as in KMS.
 */
export function authenticatedData(keyId: string, context: EncryptionContext): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(['egov-local-kms', FORMAT_VERSION, keyId, entries]), 'utf8');
}

/**
 * A key's material as a KeyObject, made once per material: Node 24's createCipheriv takes about
 * 8x longer with a Buffer key than with a KeyObject (50 against 6 µs measured on this machine
 * under load), and every GenerateDataKey and Decrypt of the stack opens a cipher.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObjectOf(material: Buffer): KeyObject {
  let key = keyObjects.get(material);
  if (!key) {
    key = createSecretKey(material);
    keyObjects.set(material, key);
  }
  return key;
}

export function sealCiphertext(
  keyId: string,
  material: Buffer,
  plaintext: Buffer,
  context: EncryptionContext,
): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(material), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(authenticatedData(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([
    Buffer.from([FORMAT_VERSION]),
    uuidToBytes(keyId),
    iv,
    cipher.getAuthTag(),
    ciphertext,
  ]);
}

/** Splits a blob into its parts; undefined when it is not a blob of this format. */
export function parseCiphertext(blob: Buffer): CiphertextParts | undefined {
  if (blob.length <= HEADER_BYTES || blob[0] !== FORMAT_VERSION) return undefined;
  let offset = 1;
  const take = (n: number): Buffer => blob.subarray(offset, (offset += n));
  return {
    keyId: bytesToUuid(take(KEY_ID_BYTES)),
    iv: take(IV_BYTES),
    tag: take(TAG_BYTES),
    ciphertext: blob.subarray(offset),
  };
}

/**
 * Authenticates and decrypts as if `keyId` had sealed the blob (its id is part of the AAD);
 * undefined when the tag does not verify: wrong key, wrong context or altered bytes.
 */
export function openCiphertext(
  parts: CiphertextParts,
  keyId: string,
  material: Buffer,
  context: EncryptionContext,
): Buffer | undefined {
  const decipher = createDecipheriv('aes-256-gcm', keyObjectOf(material), parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(authenticatedData(keyId, context));
  decipher.setAuthTag(parts.tag);
  try {
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error('key id is not a lower-case UUID');
  return Buffer.from(hex, 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
