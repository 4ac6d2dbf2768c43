// The operations the local KMS answers, as plain functions from a parsed AWS JSON request body to
// a response body. Errors are AwsError, carrying the exception name the SDK maps to its class.
import { randomBytes } from 'node:crypto';
import { openCiphertext, parseCiphertext, sealCiphertext } from './kmsCiphertext.ts';
import type { EncryptionContext } from './kmsCiphertext.ts';
import { ACCOUNT_ID } from './kmsState.ts';
import { signingOperations } from './kmsSigning.ts';
import type { KmsKey, LocalState } from './kmsState.ts';

export class AwsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export type RequestBody = Readonly<Record<string, unknown>>;
export type Operation = (body: RequestBody) => object;
export interface Service {
  operations: ReadonlyMap<string, Operation>;
  /** The exception a server-side failure of this service is named. */
  internalError: string;
}

/** Services by X-Amz-Target prefix. */
/** A further secret the local Secrets Manager serves by name (delivery signing secrets, infra/local/destinations.ts). */
export interface ExtraSecret {
  readonly name: string;
  readonly secretString: string;
}

export function createServices(state: LocalState, extraSecrets: readonly ExtraSecret[] = []): ReadonlyMap<string, Service> {
  const findKey = (keyRef: string): KmsKey => {
    const found = state.findKey(keyRef);
    if (!found) throw new AwsError('NotFoundException', `Key '${keyRef}' does not exist`);
    return found;
  };

  /** What Encrypt, Decrypt and GenerateDataKey share, checked in KMS's order. */
  const prepare = (body: RequestBody, keyRequired: boolean) => {
    const keyRef = stringField(body, 'KeyId', keyRequired);
    const context = encryptionContextField(body);
    const algorithm = stringField(body, 'EncryptionAlgorithm');
    if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
      throw new AwsError('InvalidKeyUsageException', `The key does not support ${algorithm}`);
    }
    if (body['Recipient'] !== undefined) {
      throw new AwsError('UnsupportedOperationException', 'Recipient is not supported by the local KMS');
    }
    const found = keyRef === undefined ? undefined : findKey(keyRef);
    if (body['DryRun'] === true) {
      throw new AwsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.', 412);
    }
    return { found, context };
  };
  const encryptWith = (body: RequestBody, plaintext: Buffer) => {
    const { found, context } = prepare(body, true);
    const key = found as KmsKey;
    return { KeyId: key.arn, CiphertextBlob: sealCiphertext(key.keyId, key.material, plaintext, context).toString('base64') };
  };

  const kms = new Map<string, Operation>([
    ['GenerateDataKey', (body) => {
      const keySpec = stringField(body, 'KeySpec');
      const numberOfBytes = integerField(body, 'NumberOfBytes', 1, 1024);
      if ((keySpec === undefined) === (numberOfBytes === undefined)) {
        throw new AwsError('ValidationException', 'Specify exactly one of KeySpec and NumberOfBytes');
      }
      if (keySpec !== undefined && keySpec !== 'AES_256' && keySpec !== 'AES_128') {
        throw new AwsError('ValidationException', `Value '${keySpec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`);
      }
      const plaintext = randomBytes(numberOfBytes ?? (keySpec === 'AES_128' ? 16 : 32));
      return { ...encryptWith(body, plaintext), Plaintext: plaintext.toString('base64') };
    }],
    ['Encrypt', (body) => ({
      ...encryptWith(body, blobField(body, 'Plaintext', 4096)),
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    })],
    ['Decrypt', (body) => {
      const blob = blobField(body, 'CiphertextBlob', 6144);
      const { found, context } = prepare(body, false);
      const parts = parseCiphertext(blob);
      if (!parts) throw invalidCiphertext();
      if (found && found.keyId !== parts.keyId) {
        // Either another key's blob, or one of ours whose key-id bytes were altered. Only the
        // named key can tell them apart, and an altered blob must read as altered.
        if (openCiphertext(parts, found.keyId, found.material, context)) throw invalidCiphertext();
        throw new AwsError('IncorrectKeyException', 'The key ID in the request does not identify the KMS key that encrypted the ciphertext.');
      }
      const key = found ?? state.findKey(parts.keyId);
      const plaintext = key && openCiphertext(parts, key.keyId, key.material, context);
      if (!key || !plaintext) throw invalidCiphertext();
      return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    }],
    ...signingOperations(state.signingKey),
    ['DescribeKey', (body) => {
      const key = findKey(stringField(body, 'KeyId', true));
      return {
        KeyMetadata: {
          AWSAccountId: ACCOUNT_ID,
          KeyId: key.keyId,
          Arn: key.arn,
          CreationDate: key.createdAt,
          Enabled: true,
          Description: 'egov-forms case encryption key (local)',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: 'Enabled',
          Origin: 'AWS_KMS',
          KeyManager: 'CUSTOMER',
          CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
          KeySpec: 'SYMMETRIC_DEFAULT',
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
          MultiRegion: false,
        },
      };
    }],
  ]);

  const secretsManager = new Map<string, Operation>([
    ['GetSecretValue', (body) => {
      const secretId = stringField(body, 'SecretId', true);
      const versionId = stringField(body, 'VersionId');
      const versionStage = stringField(body, 'VersionStage');
      const extra = extraSecrets.find((candidate) => candidate.name === secretId);
      const secret = extra
        ? { ...state.secret, name: extra.name, arn: `${state.secret.arn.slice(0, state.secret.arn.indexOf(':secret:') + 8)}${extra.name}-AbCdEf`, secretString: extra.secretString }
        : state.secret;
      if (
        (secretId !== secret.name && secretId !== secret.arn) ||
        (versionId !== undefined && versionId !== secret.versionId) ||
        (versionStage !== undefined && versionStage !== 'AWSCURRENT')
      ) {
        throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        SecretString: secret.secretString,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdAt,
      };
    }],
  ]);

  return new Map([
    ['TrentService', { operations: kms, internalError: 'KMSInternalException' }],
    ['secretsmanager', { operations: secretsManager, internalError: 'InternalServiceError' }],
  ]);
}

function invalidCiphertext(): AwsError {
  return new AwsError('InvalidCiphertextException', 'The ciphertext is invalid or does not match the encryption context.');
}

// Field parsing with the errors AWS gives: a value of the wrong JSON type fails deserialisation
// (SerializationException), a missing or out-of-range one fails validation (ValidationException).

const memberName = (field: string) => field.charAt(0).toLowerCase() + field.slice(1);

function missing(field: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: Value null at '${memberName(field)}' failed to satisfy constraint: Member must not be null`);
}

function wrongType(field: string, expected: string): AwsError {
  return new AwsError('SerializationException', `${field} must be ${expected}`);
}

function stringField(body: RequestBody, field: string, required: true): string;
function stringField(body: RequestBody, field: string, required?: boolean): string | undefined;
function stringField(body: RequestBody, field: string, required = false): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw missing(field);
    return undefined;
  }
  if (typeof value !== 'string') throw wrongType(field, 'a string');
  if (value === '') throw new AwsError('ValidationException', `Value at '${memberName(field)}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  return value;
}

function integerField(body: RequestBody, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(field, 'an integer');
  if (value < min || value > max) {
    throw new AwsError('ValidationException', `Value '${value}' at '${memberName(field)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function blobField(body: RequestBody, field: string, maxBytes: number): Buffer {
  const value = body[field];
  if (value === undefined || value === null) throw missing(field);
  if (typeof value !== 'string' || !BASE64.test(value)) throw wrongType(field, 'base64-encoded binary');
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 1 || bytes.length > maxBytes) {
    throw new AwsError('ValidationException', `Value at '${memberName(field)}' failed to satisfy constraint: Member must have length between 1 and ${maxBytes}`);
  }
  return bytes;
}

function encryptionContextField(body: RequestBody): EncryptionContext {
  const value = body['EncryptionContext'];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType('EncryptionContext', 'a map of strings');
  // A null-prototype copy: keys such as __proto__ are context, never object machinery.
  const context: Record<string, string> = Object.create(null);
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw wrongType('EncryptionContext', 'a map of strings');
    context[name] = entry;
  }
  return context;
}
