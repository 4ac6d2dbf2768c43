import { DynamoDBClient, GetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { StackInfo } from '../../infra/local/stack.ts';
import { tamperedCases } from './markers.ts';
import { openCaseData, scanWith } from './tables.ts';

// What is really stored in a stack's tables, read from the test side (tests may Scan; functions
// never do): every case decrypted, and every way a case could be half-written. Works on any stack
// (the suite's shared one or one a test started itself), so it takes the StackInfo.

type Item = Record<string, AttributeValue>;

export function clientsFor(info: StackInfo) {
  const { credentials } = info;
  return {
    dynamodb: new DynamoDBClient({ region: info.region, credentials, endpoint: info.dynamodbEndpoint }),
    kms: new KMSClient({ region: info.region, credentials, endpoint: info.kmsEndpoint }),
  };
}


export interface DecryptedCase {
  caseId: string;
  reference: string;
  formId: string;
  /** The decrypted form data as stored (JSON text); undefined if the envelope does not open. */
  plaintext: string | undefined;
}

/** Every case of the stack, decrypted (a few at a time). */
export async function decryptAllCases(info: StackInfo, concurrency = 8): Promise<DecryptedCase[]> {
  const { dynamodb, kms } = clientsFor(info);
  try {
    const items = (await scanWith(dynamodb, info.tables.cases)).filter((item) => item.sk?.S === 'CASE');
    const out: DecryptedCase[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) {
          const item = items[next++]!;
          out.push({ caseId: item.caseId?.S ?? '', reference: item.reference?.S ?? '', formId: item.formId?.S ?? '', plaintext: await openCaseData(kms, item) });
        }
      }),
    );
    return out;
  } finally {
    dynamodb.destroy();
    kms.destroy();
  }
}

/**
 * The stored cases holding each marker (of newMarker's shape: a prefix and 24 hex digits) in their
 * decrypted data. One pass over each case, looking at every 24-digit window of its hex runs, so
 * that a marker is found whatever characters surround it.
 */
export function markerCounts(cases: readonly DecryptedCase[], markers: readonly string[]): Map<string, DecryptedCase[]> {
  const byDigits = new Map<string, string>();
  for (const marker of markers) byDigits.set(marker.slice(-24), marker);
  const found = new Map<string, DecryptedCase[]>(markers.map((marker) => [marker, []]));
  for (const stored of cases) {
    const seen = new Set<string>();
    for (const run of stored.plaintext?.match(/[0-9a-f]{24,}/g) ?? []) {
      for (let i = 0; i + 24 <= run.length; i++) {
        const marker = byDigits.get(run.slice(i, i + 24));
        if (marker !== undefined && stored.plaintext!.includes(marker)) seen.add(marker);
      }
    }
    for (const marker of seen) found.get(marker)!.push(stored);
  }
  return found;
}

/**
 * Every way the stored state could be partial: a case without its reference claim or without its
 * `case.received` event, a claim, note or event without its case, an idempotency record completed
 * (an acknowledgement) for a case that does not exist. Scans are not snapshots, so whatever looks
 * wrong is read again, strongly consistent, before it counts: a submission committing while the
 * tables are scanned is not a partial write.
 */
export async function partialWrites(info: StackInfo): Promise<string[]> {
  const { dynamodb } = clientsFor(info);
  const { cases: casesTable, events: eventsTable, idempotency: idempotencyTable } = info.tables;
  try {
    const eventsBefore = await scanWith(dynamodb, eventsTable);
    const caseTable = await scanWith(dynamodb, casesTable);
    const eventsAfter = await scanWith(dynamodb, eventsTable);
    const idempotency = await scanWith(dynamodb, idempotencyTable);
    // Read after the scans: a case damaged on purpose is registered before it is damaged.
    const tampered = tamperedCases(info.dataDir);

    const cases = new Map<string, Item>();
    const claims = new Map<string, string>();
    const notes: string[] = [];
    for (const item of caseTable) {
      const sk = item.sk?.S ?? '';
      const pk = item.pk?.S ?? '';
      if (sk === 'CASE') cases.set(item.caseId?.S ?? '', item);
      else if (sk === 'REF') claims.set(pk.slice('REF#'.length), item.caseId?.S ?? '');
      else if (sk.startsWith('CASE#NOTE#')) notes.push(pk.slice('CASE#'.length));
    }
    const received = new Map<string, number>();
    for (const event of eventsAfter) {
      if (event.type?.S === 'case.received') received.set(event.caseId?.S ?? '', (received.get(event.caseId?.S ?? '') ?? 0) + 1);
    }

    const caseExists = async (caseId: string): Promise<boolean> =>
      cases.has(caseId) ||
      (await dynamodb.send(new GetItemCommand({ TableName: casesTable, Key: { pk: { S: `CASE#${caseId}` }, sk: { S: 'CASE' } }, ConsistentRead: true })))
        .Item !== undefined;
    const claimOf = async (reference: string): Promise<string | undefined> =>
      claims.get(reference) ??
      (await dynamodb.send(new GetItemCommand({ TableName: casesTable, Key: { pk: { S: `REF#${reference}` }, sk: { S: 'REF' } }, ConsistentRead: true })))
        .Item?.caseId?.S;
    const receivedCount = async (caseId: string): Promise<number> => {
      const seen = received.get(caseId);
      if (seen !== undefined) return seen;
      const page = await dynamodb.send(
        new QueryCommand({ TableName: eventsTable, KeyConditionExpression: 'caseId = :c', ExpressionAttributeValues: { ':c': { S: caseId } }, ConsistentRead: true }),
      );
      return (page.Items ?? []).filter((event) => event.type?.S === 'case.received').length;
    };

    const problems: string[] = [];
    for (const [caseId, item] of cases) {
      if (tampered.has(caseId)) continue;
      const reference = item.reference?.S ?? '';
      for (const attribute of ['reference', 'formId', 'office', 'status', 'receivedAt', 'version', 'expiresAt', 'envelope', 'gsiOffice', 'listSk']) {
        if (item[attribute] === undefined) problems.push(`case ${caseId} lacks ${attribute}`);
      }
      if ((await claimOf(reference)) !== caseId) problems.push(`case ${caseId}: its reference ${reference} is not claimed for it`);
      const count = await receivedCount(caseId);
      if (count !== 1) problems.push(`case ${caseId} has ${count} case.received events`);
    }
    for (const [reference, caseId] of claims) {
      if (!tampered.has(caseId) && !(await caseExists(caseId))) problems.push(`reference claim ${reference} points at missing case ${caseId}`);
    }
    for (const caseId of new Set(notes)) {
      if (!tampered.has(caseId) && !(await caseExists(caseId))) problems.push(`note of missing case ${caseId}`);
    }
    for (const caseId of new Set(eventsBefore.map((event) => event.caseId?.S ?? ''))) {
      if (!tampered.has(caseId) && !(await caseExists(caseId))) problems.push(`events of missing case ${caseId}`);
    }
    for (const record of idempotency) {
      if (record.state?.S !== 'completed') continue;
      const answered = JSON.parse(record.response?.S ?? '{}') as { caseId?: string };
      if (!answered.caseId || !(await caseExists(answered.caseId))) problems.push(`idempotency record acknowledges missing case ${answered.caseId}`);
    }
    return problems;
  } finally {
    dynamodb.destroy();
  }
}
