import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { contextOf } from '#lib/cases/integrity.ts';
import { readCaseItem } from '#lib/cases/items.ts';
import { IntegrityError, withDataKey } from '#lib/crypto/envelope.ts';
import { dynamodb, kms, stackInfo } from './api.ts';

// Test-side inspection of what is really stored. Tests may Scan; the functions never do.

export type Item = Record<string, AttributeValue>;

/** Every item of a table, page by page. */
export async function scanWith(client: DynamoDBClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export async function scanAll(table: string): Promise<Item[]> {
  const client = dynamodb();
  try {
    return await scanWith(client, table);
  } finally {
    client.destroy();
  }
}

const TAMPERED = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * A case item's form data as stored (JSON text), opened with the envelope code itself; undefined
 * when the item or its envelope does not open (other tests damage stored cases on purpose). KMS
 * being unavailable is not "does not open": that is retried, then thrown.
 */
export async function openCaseData(client: KMSClient, item: Item): Promise<string | undefined> {
  let stored: ReturnType<typeof readCaseItem>;
  try {
    stored = readCaseItem(item.caseId?.S ?? '', item);
  } catch {
    return undefined;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await withDataKey(client, stored.envelope.kid, contextOf(stored.summary), stored.envelope, (key) => key.open('data', stored.envelope).toString('utf8'));
    } catch (error) {
      if (error instanceof IntegrityError || (error instanceof Error && TAMPERED.has(error.name))) return undefined;
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Every case item whose decrypted form data contains `marker`: how tests count what was stored. */
export async function casesContaining(marker: string): Promise<Item[]> {
  const client = kms();
  const found: Item[] = [];
  for (const item of await scanAll(stackInfo().tables.cases)) {
    if (item.sk?.S !== 'CASE') continue;
    if ((await openCaseData(client, item))?.includes(marker)) found.push(item);
  }
  client.destroy();
  return found;
}

/** All the readings of a stored value in which a plaintext could hide. */
function readings(value: AttributeValue): string[] {
  if (value.S !== undefined) {
    const s = value.S;
    const out = [s];
    for (const encoding of ['base64', 'base64url', 'hex'] as const) out.push(Buffer.from(s, encoding).toString('utf8'));
    try {
      out.push(decodeURIComponent(s));
    } catch {
      // not URI-encoded
    }
    return out;
  }
  if (value.B !== undefined) {
    const b = Buffer.from(value.B);
    return [b.toString('utf8'), b.toString('utf16le'), b.toString('latin1'), Buffer.from(b.toString('latin1'), 'base64').toString('utf8')];
  }
  if (value.N !== undefined) return [value.N];
  if (value.M) return Object.entries(value.M).flatMap(([key, inner]) => [key, ...readings(inner)]);
  if (value.L) return value.L.flatMap(readings);
  if (value.SS) return value.SS;
  return [];
}

/** Markers found anywhere in the table, in plaintext or in a trivial encoding. */
export async function plaintextLeaks(table: string, markers: string[]): Promise<string[]> {
  const haystack = (await scanAll(table))
    .flatMap((item) => Object.entries(item).flatMap(([key, value]) => [key, ...readings(value)]))
    .join('\n')
    .toLowerCase();
  return markers.filter((marker) => haystack.includes(marker.toLowerCase()));
}
