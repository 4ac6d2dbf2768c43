import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand } from '@aws-sdk/client-kms';
import { createDecipheriv } from 'node:crypto';
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

/** Every case item whose decrypted form data contains `marker`: how tests count what was stored. */
export async function casesContaining(marker: string): Promise<Item[]> {
  const client = kms();
  const found: Item[] = [];
  for (const item of await scanAll(stackInfo().tables.cases)) {
    if (item.sk?.S !== 'CASE') continue;
    const envelope = item.envelope!.M!;
    const caseId = item.caseId!.S!;
    const formId = item.formId!.S!;
    let plain: string;
    try {
      const { Plaintext } = await client.send(
        new DecryptCommand({ CiphertextBlob: envelope.edk!.B, EncryptionContext: { caseId, formId, purpose: 'case-data' } }),
      );
      const decipher = createDecipheriv('aes-256-gcm', Plaintext!, envelope.iv!.B!);
      decipher.setAAD(Buffer.from(JSON.stringify(['egov-forms/v1', caseId, formId, 'case-data', 'data'])));
      decipher.setAuthTag(envelope.tag!.B!);
      plain = Buffer.concat([decipher.update(envelope.ct!.B!), decipher.final()]).toString('utf8');
    } catch {
      continue; // a case another test tampered with on purpose: it holds no marker of ours
    }
    if (plain.includes(marker)) found.push(item);
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
