import { beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { call, clerkToken, dynamodb, stackInfo, type Answer } from '../support/api.ts';
import { markTampered } from '../support/markers.ts';
import { fishingLicence, submit } from '../support/submissions.ts';

/**
 * Integrity of stored cases (API.md, "Integrity of stored cases"): whoever can write the table
 * but not use the case key cannot move a case to another office, change its status, dates or
 * notes, or damage it into a retryable 503. Every such change is `500 integrity-error` on every
 * route that reads the case, with no data; a damaged item never fails a whole list.
 */
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type Item = Record<string, AttributeValue>;
let ordnungsamt: string;
let schulamt: string;

beforeAll(async () => {
  ordnungsamt = await clerkToken('alice', ['ordnungsamt']);
  schulamt = await clerkToken('bob', ['schulamt']);
});

const caseKey = (caseId: string) => ({ pk: { S: `CASE#${caseId}` }, sk: { S: 'CASE' } });

async function newCase(): Promise<{ caseId: string; marker: string }> {
  const { data, marker } = fishingLicence();
  const answer = await submit('fischereischein', { data });
  expect(answer.status).toBe(201);
  return { caseId: answer.body.caseId as string, marker };
}

/** Changes the stored case item as someone with write access to the table (and no key) could. */
async function tamper(caseId: string, update: string, values: Item = {}, names: Record<string, string> = {}): Promise<void> {
  markTampered(caseId);
  const client = dynamodb();
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: stackInfo().tables.cases,
        Key: caseKey(caseId),
        UpdateExpression: update,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      }),
    );
  } finally {
    client.destroy();
  }
}

async function noteItems(caseId: string): Promise<Item[]> {
  const client = dynamodb();
  try {
    const page = await client.send(
      new QueryCommand({
        TableName: stackInfo().tables.cases,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': { S: `CASE#${caseId}` }, ':note': { S: 'CASE#NOTE#' } },
      }),
    );
    return page.Items ?? [];
  } finally {
    client.destroy();
  }
}

const read = (caseId: string, token = ordnungsamt) => call('GET', `/cases/${caseId}`, { headers: bearer(token) });
const patch = (caseId: string, body: unknown, version: number, token = ordnungsamt) =>
  call('PATCH', `/cases/${caseId}`, { body, headers: { ...bearer(token), 'if-match': `"${version}"` } });

function expectIntegrityError(answer: Answer, marker?: string): void {
  expect({ status: answer.status, type: answer.body?.type }).toEqual({ status: 500, type: 'urn:problem:integrity-error' });
  expect(answer.body.data).toBeUndefined();
  if (marker) expect(answer.text).not.toContain(marker);
}

describe('a case changed in the table outside the API', () => {
  it('moved to another office is an integrity error for that office, never its data', async () => {
    const { caseId, marker } = await newCase();
    await tamper(caseId, 'SET office = :other', { ':other': { S: 'schulamt' } });
    expectIntegrityError(await read(caseId, schulamt), marker);
    expect((await read(caseId, ordnungsamt)).status).toBe(404);
    // Its index entry still sits in the first office's list: left out there, as damaged.
    const list = await call('GET', '/cases?office=ordnungsamt&formId=fischereischein&limit=100', { headers: bearer(ordnungsamt) });
    expect(list.body.items.map((item: { caseId: string }) => item.caseId)).not.toContain(caseId);
  });

  it('set to approved by hand is an integrity error on read and on change', async () => {
    const { caseId, marker } = await newCase();
    await tamper(caseId, 'SET #status = :approved', { ':approved': { S: 'approved' } }, { '#status': 'status' });
    expectIntegrityError(await read(caseId), marker);
    expectIntegrityError(await patch(caseId, { status: 'closed' }, 1));
  });

  it.each([
    ['the date of receipt', 'SET receivedAt = :v', { ':v': { S: '2020-01-01T00:00:00.000Z' } }, {}],
    ['the form version', 'SET formVersion = :v', { ':v': { N: '1' } }, {}],
    ['the reference', 'SET #reference = :v', { ':v': { S: 'AAAA-BBBB-CCCC' } }, { '#reference': 'reference' }],
    ['the expiry', 'SET expiresAt = expiresAt + :v', { ':v': { N: '86400' } }, {}],
    ['the version', 'SET version = :v', { ':v': { N: '7' } }, {}],
    ['the time of the last change', 'SET updatedAt = :v', { ':v': { S: '2030-01-01T00:00:00.000Z' } }, {}],
  ])('with %s changed is an integrity error', async (_, update, values, names) => {
    const { caseId, marker } = await newCase();
    await tamper(caseId, update, values as Item, names as Record<string, string>);
    const answer = await read(caseId);
    expectIntegrityError(answer, marker);
  });

  describe('notes', () => {
    async function caseWithNote(): Promise<{ caseId: string; note: Item }> {
      const { caseId } = await newCase();
      expect((await patch(caseId, { status: 'in_review', note: 'Zeugnis fehlt' }, 1)).status).toBe(200);
      const [note] = await noteItems(caseId);
      return { caseId, note: note! };
    }

    it('a note whose author was changed is an integrity error', async () => {
      const { caseId, note } = await caseWithNote();
      markTampered(caseId);
      const client = dynamodb();
      await client.send(new PutItemCommand({ TableName: stackInfo().tables.cases, Item: { ...note, actor: { S: 'mallory' } } }));
      client.destroy();
      expectIntegrityError(await read(caseId));
    });

    it('a note whose time was changed is an integrity error', async () => {
      const { caseId, note } = await caseWithNote();
      markTampered(caseId);
      const client = dynamodb();
      await client.send(new PutItemCommand({ TableName: stackInfo().tables.cases, Item: { ...note, at: { S: '2020-01-01T00:00:00.000Z' } } }));
      client.destroy();
      expectIntegrityError(await read(caseId));
    });

    it('a deleted note is an integrity error', async () => {
      const { caseId, note } = await caseWithNote();
      markTampered(caseId);
      const client = dynamodb();
      await client.send(new DeleteItemCommand({ TableName: stackInfo().tables.cases, Key: { pk: note.pk!, sk: note.sk! } }));
      client.destroy();
      expectIntegrityError(await read(caseId));
    });

    it('notes changed through the API keep the case readable (the MAC is renewed with every change)', async () => {
      const { caseId } = await caseWithNote();
      expect((await patch(caseId, { note: 'Nachgereicht' }, 2)).status).toBe(200);
      const answer = await read(caseId);
      expect(answer.status).toBe(200);
      expect(answer.body.notes.map((note: { text: string }) => note.text)).toEqual(['Zeugnis fehlt', 'Nachgereicht']);
    });
  });
});

describe('a structurally damaged case item', () => {
  it.each([
    ['no envelope', 'REMOVE envelope'],
    ['an envelope without its tag', 'REMOVE envelope.tag'],
    ['an envelope without its iv', 'REMOVE envelope.iv'],
    ['an envelope without its wrapped key', 'REMOVE envelope.edk'],
    ['an envelope without its key id', 'REMOVE envelope.kid'],
    ['a key id of the wrong type', 'SET envelope.kid = :n', { ':n': { N: '1' } } as Item],
    ['an envelope that is a string', 'SET envelope = :s', { ':s': { S: 'envelope' } } as Item],
    ['no summary MAC', 'REMOVE summaryMac'],
  ])('with %s is 500 integrity-error on read, change and events, not 503', async (_, update, values: Item = {}) => {
    const { caseId, marker } = await newCase();
    await tamper(caseId, update, values);
    expectIntegrityError(await read(caseId), marker);
    expectIntegrityError(await patch(caseId, { status: 'in_review' }, 1));
    expectIntegrityError(await call('GET', `/cases/${caseId}/events`, { headers: bearer(ordnungsamt) }));
  });

  it('without its office is left out of the list, which still answers with the other cases', async () => {
    const damaged = await newCase();
    const intact = await newCase();
    await tamper(damaged.caseId, 'REMOVE office');
    const answer = await call('GET', '/cases?office=ordnungsamt&formId=fischereischein&limit=100', { headers: bearer(ordnungsamt) });
    expect(answer.status).toBe(200);
    const ids = answer.body.items.map((item: { caseId: string }) => item.caseId);
    expect(ids).toContain(intact.caseId);
    expect(ids).not.toContain(damaged.caseId);
  });
});

describe('an envelope of an unknown format (issue 25, point 17)', () => {
  it.each([
    ['the first format (v 1)', 'SET envelope.v = :v', { ':v': { N: '1' } } as Item],
    ['a format this code does not know (v 3)', 'SET envelope.v = :v', { ':v': { N: '3' } } as Item],
    ['another algorithm', 'SET envelope.alg = :v', { ':v': { S: 'AES-128-GCM' } } as Item],
  ])('with %s is 500 integrity-error on read, change and events, and left out of an export, never its data', async (_, update, values) => {
    const { caseId, marker } = await newCase();
    const received = (await read(caseId)).body.receivedAt as string;
    await tamper(caseId, update, values);
    expectIntegrityError(await read(caseId), marker);
    expectIntegrityError(await patch(caseId, { status: 'in_review' }, 1));
    expectIntegrityError(await call('GET', `/cases/${caseId}/events`, { headers: bearer(ordnungsamt) }));
    const to = new Date(Date.parse(received) + 1).toISOString();
    const exported = await call('GET', `/cases/export?formId=fischereischein&from=${received}&to=${to}&format=json`, { headers: bearer(ordnungsamt) });
    expect(exported.status).toBe(200);
    expect(exported.text).not.toContain(caseId);
    expect(exported.text).not.toContain(marker);
  });

  it('of a note (v 3) is 500 integrity-error on read', async () => {
    const { caseId } = await newCase();
    expect((await patch(caseId, { status: 'in_review', note: 'Zeugnis fehlt' }, 1)).status).toBe(200);
    const [note] = await noteItems(caseId);
    markTampered(caseId);
    const client = dynamodb();
    await client.send(new PutItemCommand({ TableName: stackInfo().tables.cases, Item: { ...note!, note: { M: { ...note!.note!.M!, v: { N: '3' } } } } }));
    client.destroy();
    const answer = await read(caseId);
    expectIntegrityError(answer);
    expect(answer.text).not.toContain('Zeugnis fehlt');
  });
});

describe('an expired case (past expiresAt, not yet removed by TTL)', () => {
  it('is no longer listed, read, changed or its events shown', async () => {
    const { caseId } = await newCase();
    await tamper(caseId, 'SET expiresAt = :past', { ':past': { N: String(Math.floor(Date.now() / 1000) - 1) } });
    const list = await call('GET', '/cases?office=ordnungsamt&formId=fischereischein&limit=100', { headers: bearer(ordnungsamt) });
    expect(list.body.items.map((item: { caseId: string }) => item.caseId)).not.toContain(caseId);
    expect((await read(caseId)).status).toBe(404);
    expect((await patch(caseId, { status: 'in_review' }, 1)).status).toBe(404);
    expect((await call('GET', `/cases/${caseId}/events`, { headers: bearer(ordnungsamt) })).status).toBe(404);
  });
});

describe('the stored case item', () => {
  it('carries a summary MAC and names office and form version in the envelope context, not in plaintext beside data', async () => {
    const { caseId } = await newCase();
    const client = dynamodb();
    const item = (await client.send(new GetItemCommand({ TableName: stackInfo().tables.cases, Key: caseKey(caseId) }))).Item!;
    client.destroy();
    expect(item.summaryMac?.B?.length).toBe(32);
    expect(item.envelope?.M?.v?.N).toBe('2');
  });
});
