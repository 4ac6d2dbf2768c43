// The local KMS's asymmetric audit key (ECC_NIST_P256, SIGN_VERIFY): what the checkpoint worker
// signs with (Sign) and an auditor checks with (Verify, or GetPublicKey and the public key alone).
// Created on first start beside the case key, in <dataDir>/kms/audit-key.json (0600), never rewritten.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { ACCOUNT_ID, loadOrCreate } from './kmsState.ts';
import { AwsError, type Operation, type RequestBody } from './kmsOperations.ts';

export const AUDIT_ALIAS_NAME = 'alias/egov-forms-audit';
const ALGORITHM = 'ECDSA_SHA_256';
const MAX_MESSAGE_BYTES = 4096;

export interface SigningKey {
  keyId: string;
  arn: string;
  aliasName: string;
  createdAt: number;
  privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo, as GetPublicKey returns it. */
  publicKeyDer: Buffer;
  /** Resolves a key id, key ARN, alias name or alias ARN of this key. */
  matches(keyRef: string): boolean;
}

interface SigningKeyFile {
  keyId: string;
  createdAt: number;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export async function loadSigningKey(dataDir: string, region: string): Promise<SigningKey> {
  const stored = await loadOrCreate<SigningKeyFile>(join(dataDir, 'kms', 'audit-key.json'), parseSigningKeyFile, () => ({
    keyId: randomUUID(),
    createdAt: Math.floor(Date.now() / 1000),
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }));
  const arnPrefix = `arn:aws:kms:${region}:${ACCOUNT_ID}:`;
  const arn = `${arnPrefix}key/${stored.keyId}`;
  const privateKey = createPrivateKey(stored.privateKey);
  const references = new Set([stored.keyId, arn, AUDIT_ALIAS_NAME, `${arnPrefix}${AUDIT_ALIAS_NAME}`]);
  return {
    keyId: stored.keyId,
    arn,
    aliasName: AUDIT_ALIAS_NAME,
    createdAt: stored.createdAt,
    privateKey,
    publicKeyDer: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
    matches: (keyRef) => references.has(keyRef),
  };
}

function parseSigningKeyFile(json: unknown): SigningKeyFile {
  const { keyId, createdAt, privateKey } = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (typeof keyId !== 'string' || typeof createdAt !== 'number' || typeof privateKey !== 'string') throw new Error('not an audit key file');
  const key = createPrivateKey(privateKey);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('the audit key is not a P-256 key');
  return { keyId, createdAt, privateKey };
}

/** Sign, Verify and GetPublicKey as KMS answers them for an ECC_NIST_P256 key (RAW messages; DIGEST is not offered locally). */
export function signingOperations(key: SigningKey): [string, Operation][] {
  const keyOf = (body: RequestBody): SigningKey => {
    const keyRef = body['KeyId'];
    if (typeof keyRef !== 'string' || keyRef === '') throw new AwsError('ValidationException', "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    if (!key.matches(keyRef)) throw new AwsError('NotFoundException', `Key '${keyRef}' does not exist or is not a signing key`);
    return key;
  };
  const messageOf = (body: RequestBody): Buffer => {
    const algorithm = body['SigningAlgorithm'];
    if (algorithm !== ALGORITHM) throw new AwsError('InvalidKeyUsageException', `The key does not support ${String(algorithm)}; use ${ALGORITHM}`);
    const type = body['MessageType'] ?? 'RAW';
    if (type !== 'RAW') throw new AwsError('UnsupportedOperationException', `MessageType ${String(type)} is not supported by the local KMS`);
    const message = body['Message'];
    if (typeof message !== 'string') throw new AwsError('ValidationException', "Value null at 'message' failed to satisfy constraint: Member must not be null");
    const bytes = Buffer.from(message, 'base64');
    if (bytes.length < 1 || bytes.length > MAX_MESSAGE_BYTES) throw new AwsError('ValidationException', `Value at 'message' failed to satisfy constraint: Member must have length between 1 and ${MAX_MESSAGE_BYTES}`);
    return bytes;
  };
  return [
    ['Sign', (body) => {
      const found = keyOf(body);
      const signature = sign('sha256', messageOf(body), { key: found.privateKey, dsaEncoding: 'der' });
      return { KeyId: found.arn, Signature: signature.toString('base64'), SigningAlgorithm: ALGORITHM };
    }],
    ['Verify', (body) => {
      const found = keyOf(body);
      const message = messageOf(body);
      const signature = typeof body['Signature'] === 'string' ? Buffer.from(body['Signature'], 'base64') : Buffer.alloc(0);
      let valid: boolean;
      try {
        valid = verify('sha256', message, { key: createPublicKey(found.privateKey), dsaEncoding: 'der' }, signature);
      } catch {
        valid = false;
      }
      if (!valid) throw new AwsError('KMSInvalidSignatureException', 'The signature is not valid for the message and key.');
      return { KeyId: found.arn, SignatureValid: true, SigningAlgorithm: ALGORITHM };
    }],
    ['GetPublicKey', (body) => {
      const found = keyOf(body);
      return {
        KeyId: found.arn,
        PublicKey: found.publicKeyDer.toString('base64'),
        KeySpec: 'ECC_NIST_P256',
        CustomerMasterKeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: [ALGORITHM],
      };
    }],
  ];
}
