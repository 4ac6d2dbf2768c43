import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The AWS credentials of one local stack: generated on first start, kept in
 * `<dataDir>/credentials.json` (0600), never committed. The local KMS and Secrets Manager accept
 * only requests signed (SigV4) with them, and DynamoDB Local, started without `-sharedDb`, keeps its
 * database under this access key id: a caller with any other key sees an empty store.
 */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const CREDENTIALS_FILE = 'credentials.json';

export function loadOrCreateCredentials(dataDir: string): LocalCredentials {
  const file = join(dataDir, CREDENTIALS_FILE);
  const fresh: LocalCredentials = {
    // Letters and digits only: DynamoDB Local names its database file after the access key id.
    accessKeyId: `LOCAL${randomBytes(16).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  try {
    // 'wx': of two stacks starting on one data dir, exactly one creates the file.
    writeFileSync(file, JSON.stringify(fresh), { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalCredentials>;
  if (typeof stored.accessKeyId !== 'string' || !/^[A-Z0-9]{16,128}$/.test(stored.accessKeyId) || typeof stored.secretAccessKey !== 'string' || stored.secretAccessKey.length < 20) {
    throw new Error(`local stack: ${file} is corrupt; delete it (the local tables then start empty)`);
  }
  return { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey };
}
