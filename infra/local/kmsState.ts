// What the local KMS keeps on disk: the customer-managed key, the audit signing key and the HMAC secret, created on first
// start under <dataDir>/kms (0700, files 0600) and never rewritten, so a restart still decrypts
// everything it encrypted before.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSigningKey, type SigningKey } from './kmsSigning.ts';

export const ACCOUNT_ID = '000000000000';
export const ALIAS_NAME = 'alias/egov-forms-cases';
export const SECRET_NAME = 'egov-forms/hmac';

export interface KmsKey {
  keyId: string;
  arn: string;
  /** Epoch seconds. */
  createdAt: number;
  material: Buffer;
}

export interface HmacSecret {
  name: string;
  arn: string;
  versionId: string;
  /** Epoch seconds. */
  createdAt: number;
  secretString: string;
}

export interface LocalState {
  key: KmsKey;
  /** The asymmetric audit key the checkpoint worker signs with (kmsSigning.ts). */
  signingKey: SigningKey;
  aliasName: string;
  aliasArn: string;
  secret: HmacSecret;
  /** Resolves a key id, key ARN, alias name or alias ARN of this region and account. */
  findKey(keyRef: string): KmsKey | undefined;
}

interface KeyFile {
  keyId: string;
  createdAt: number;
  material: string;
}

interface SecretFile {
  versionId: string;
  createdAt: number;
  secretString: string;
}

export async function loadState(dataDir: string, region: string): Promise<LocalState> {
  const dir = join(dataDir, 'kms');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const now = () => Math.floor(Date.now() / 1000);

  const stored = await loadOrCreate(join(dir, 'keys.json'), parseKeyFile, () => ({
    keyId: randomUUID(),
    createdAt: now(),
    material: randomBytes(32).toString('base64'),
  }));
  const storedSecret = await loadOrCreate(join(dir, 'secrets.json'), parseSecretFile, () => ({
    versionId: randomUUID(),
    createdAt: now(),
    secretString: randomBytes(64).toString('base64'),
  }));

  const arnPrefix = `arn:aws:kms:${region}:${ACCOUNT_ID}:`;
  const key: KmsKey = {
    keyId: stored.keyId,
    arn: `${arnPrefix}key/${stored.keyId}`,
    createdAt: stored.createdAt,
    material: Buffer.from(stored.material, 'base64'),
  };
  const aliasArn = `${arnPrefix}${ALIAS_NAME}`;
  const references = new Set([key.keyId, key.arn, ALIAS_NAME, aliasArn]);
  return {
    key,
    signingKey: await loadSigningKey(dataDir, region),
    aliasName: ALIAS_NAME,
    aliasArn,
    secret: {
      name: SECRET_NAME,
      // AWS appends six random characters to a secret's ARN; fixed here so the ARN can be configured.
      arn: `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${SECRET_NAME}-AbCdEf`,
      ...storedSecret,
    },
    findKey: (keyRef) => (references.has(keyRef) ? key : undefined),
  };
}

/**
 * Reads `file`, or creates it with `create()`'s content if it does not exist. The content is
 * written to a 0600 temp file, synced, and then hard-linked into place: like a rename the file
 * appears whole or not at all, and unlike a rename it never replaces a file that a concurrently
 * starting instance created first (losing key material would make its ciphertexts unreadable).
 */
export async function loadOrCreate<T>(file: string, parse: (json: unknown) => T, create: () => T): Promise<T> {
  const read = async (): Promise<T> => {
    await chmod(file, 0o600);
    const text = await readFile(file, 'utf8');
    try {
      return parse(JSON.parse(text));
    } catch (error) {
      throw new Error(`local kms: ${file} is corrupt (${(error as Error).message}); restore or delete it`, { cause: error });
    }
  };
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const fresh = create();
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(fresh), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return await read();
  } finally {
    await unlink(temp);
  }
}

function parseKeyFile(json: unknown): KeyFile {
  const { keyId, createdAt, material } = asRecord(json);
  if (typeof keyId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(keyId)) {
    throw new Error('keyId is not a lower-case UUID');
  }
  if (typeof material !== 'string' || Buffer.from(material, 'base64').length !== 32) {
    throw new Error('material is not 32 bytes of base64');
  }
  return { keyId, createdAt: epochSeconds(createdAt), material };
}

function parseSecretFile(json: unknown): SecretFile {
  const { versionId, createdAt, secretString } = asRecord(json);
  if (typeof versionId !== 'string' || versionId === '') throw new Error('versionId is missing');
  if (typeof secretString !== 'string' || secretString === '') throw new Error('secretString is missing');
  return { versionId, createdAt: epochSeconds(createdAt), secretString };
}

function asRecord(json: unknown): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
  return json as Record<string, unknown>;
}

function epochSeconds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('createdAt is not a number');
  return value;
}
