import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { signedBytes, type CheckpointBody } from './checkpoint.ts';

/**
 * The auditor's side of a checkpoint signature: ECDSA P-256 with SHA-256 over the body's canonical
 * JSON, the signature DER-encoded as KMS returns it, checked with the public key alone (the DER
 * SubjectPublicKeyInfo of KMS GetPublicKey, or its PEM export, docs/operations.md).
 */
export function auditPublicKey(key: Uint8Array | string): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
}

export function signatureHolds(publicKey: KeyObject, body: CheckpointBody, signature: string): boolean {
  try {
    return verify('sha256', signedBytes(body), { key: publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
