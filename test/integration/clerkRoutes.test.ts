import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mintToken } from '../../infra/local/tokens.ts';
import { call, clerkToken, dynamodb, stackInfo } from '../support/api.ts';
import { fishingLicence, kmsFault, submit } from '../support/submissions.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
let own: string;
let other: string;
let expired: string;
let forged: string;
let caseId: string;

beforeAll(async () => {
  own = await clerkToken('alice', ['ordnungsamt']);
  other = await clerkToken('bob', ['schulamt']);
  expired = await clerkToken('alice', ['ordnungsamt'], -60);
  forged = await mintToken(tempDir('egov-forger-'), { sub: 'mallory', offices: ['ordnungsamt'] });
  caseId = (await submit('fischereischein', { data: fishingLicence().data })).body.caseId;
});
afterAll(removeTempDirs);

describe('authorisation matrix', () => {
  const routes: [string, string, () => string, unknown?][] = [
    ['GET', 'list', () => '/cases?office=ordnungsamt'],
    ['GET', 'read', () => `/cases/${caseId}`],
    ['GET', 'events', () => `/cases/${caseId}/events`],
  ];
  const tokens: [string, () => string | undefined, number][] = [
    ['no token', () => undefined, 401],
    ['an expired token', () => expired, 401],
    ['a token with a bad signature', () => forged, 401],
  ];

  for (const [method, name, path] of routes) {
    for (const [who, token, status] of tokens) {
      it(`${name} with ${who} is ${status}`, async () => {
        const t = token();
        const answer = await call(method, path(), { headers: t ? bearer(t) : {} });
        expect(answer.status).toBe(status);
        expect(answer.body.type).toBe('urn:problem:unauthorized');
        expect(answer.text).not.toContain('Marker');
      });
    }
  }

  it.each([
    ['no token', () => ({})],
    ['an expired token', () => bearer(expired)],
    ['a token with a bad signature', () => bearer(forged)],
  ])('status change with %s is 401', async (_who, headers) => {
    const answer = await call('PATCH', `/cases/${caseId}`, { body: { status: 'in_review' }, headers: { ...headers(), 'if-match': '"1"' } });
    expect(answer.status).toBe(401);
  });

  it('a token that is not a bearer JWT is 401', async () => {
    for (const authorization of ['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer not.a.jwt', `Bearer ${own}x`]) {
      expect((await call('GET', '/cases?office=ordnungsamt', { headers: { authorization } })).status).toBe(401);
    }
  });

  it('list of another office is 403', async () => {
    const answer = await call('GET', '/cases?office=ordnungsamt', { headers: bearer(other) });
    expect(answer.status).toBe(403);
    expect(answer.body.type).toBe('urn:problem:forbidden');
  });

  it('read, events and status change of another office’s case are 404, as if it did not exist', async () => {
    for (const [method, path] of [
      ['GET', `/cases/${caseId}`],
      ['GET', `/cases/${caseId}/events`],
    ]) {
      const answer = await call(method!, path!, { headers: bearer(other) });
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain('Marker');
    }
    const patch = await call('PATCH', `/cases/${caseId}`, { body: { status: 'in_review' }, headers: { ...bearer(other), 'if-match': '"1"' } });
    expect(patch.status).toBe(404);
  });

  it('own office: list, read and events are 200', async () => {
    expect((await call('GET', '/cases?office=ordnungsamt', { headers: bearer(own) })).status).toBe(200);
    expect((await call('GET', `/cases/${caseId}`, { headers: bearer(own) })).status).toBe(200);
    expect((await call('GET', `/cases/${caseId}/events`, { headers: bearer(own) })).status).toBe(200);
  });

  it('own office: a status change is 200', async () => {
    const fresh = (await submit('fischereischein', { data: fishingLicence().data })).body.caseId;
    const answer = await call('PATCH', `/cases/${fresh}`, { body: { status: 'in_review' }, headers: { ...bearer(own), 'if-match': '"1"' } });
    expect(answer.status).toBe(200);
  });
});

describe('GET /cases', () => {
  it('needs the office when the clerk has several', async () => {
    const two = await clerkToken('carol', ['ordnungsamt', 'schulamt']);
    expect((await call('GET', '/cases', { headers: bearer(two) })).status).toBe(400);
    expect((await call('GET', '/cases?office=schulamt', { headers: bearer(two) })).status).toBe(200);
  });

  it('uses the only office when the clerk has one', async () => {
    const answer = await call('GET', '/cases', { headers: bearer(own) });
    expect(answer.status).toBe(200);
    expect(answer.body.items.every((item: { office: string }) => item.office === 'ordnungsamt')).toBe(true);
  });

  it.each(['limit=0', 'limit=101', 'limit=ten', 'status=open', 'cursor=abc', 'office=Ordnungsamt', 'sort=asc'])(
    'answers a bad query parameter (%s) with 400',
    async (query) => {
      const answer = await call('GET', `/cases?office=ordnungsamt&${query}`, { headers: bearer(own) });
      expect([400, 403]).toContain(answer.status);
      if (!query.startsWith('office')) expect(answer.status).toBe(400);
    },
  );

  it('shows summaries only, never form data', async () => {
    const { data, marker } = fishingLicence();
    await submit('fischereischein', { data });
    const answer = await call('GET', '/cases?office=ordnungsamt&limit=100', { headers: bearer(own) });
    expect(answer.text).not.toContain(marker);
    expect(Object.keys(answer.body.items[0]).sort()).toEqual(
      ['caseId', 'delivery', 'formId', 'formVersion', 'office', 'receivedAt', 'reference', 'status', 'updatedAt', 'version'].sort(),
    );
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /cases/{caseId}', () => {
  it('decrypts the data for a clerk of the office, with ETag and no-store', async () => {
    const { data, marker } = fishingLicence();
    const created = (await submit('fischereischein', { data })).body;
    const answer = await call('GET', `/cases/${created.caseId}`, { headers: bearer(own) });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ caseId: created.caseId, reference: created.reference, status: 'received', version: 1, notes: [] });
    expect(answer.body.data).toEqual(data);
    expect(answer.body.data.applicant.familyName).toBe(marker);
    expect(answer.headers.get('etag')).toBe('"1"');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an unknown or malformed case id with 404', async () => {
    expect((await call('GET', '/cases/01JDZ8Q6W4X3Y2Z1A0B9C8D7E6', { headers: bearer(own) })).status).toBe(404);
    expect((await call('GET', '/cases/not-a-case', { headers: bearer(own) })).status).toBe(404);
  });

  it('answers 503 without data when KMS cannot decrypt right now', async () => {
    const { data, marker } = fishingLicence();
    const created = (await submit('fischereischein', { data })).body;
    await kmsFault({ operation: 'Decrypt', kind: 'error' });
    try {
      const answer = await call('GET', `/cases/${created.caseId}`, { headers: bearer(own) });
      expect(answer.status).toBe(503);
      expect(answer.text).not.toContain(marker);
    } finally {
      await kmsFault(null);
    }
  });
});

describe('tampering', () => {
  const ddb = () => dynamodb();

  it('a flipped ciphertext byte in DynamoDB is an integrity error without data', async () => {
    const { data, marker } = fishingLicence();
    const created = (await submit('fischereischein', { data })).body;
    const client = ddb();
    const key = { pk: { S: `CASE#${created.caseId}` }, sk: { S: 'CASE' } };
    const item = (await client.send(new GetItemCommand({ TableName: stackInfo().tables.cases, Key: key }))).Item!;
    const ct = Buffer.from(item.envelope!.M!.ct!.B!);
    ct[Math.floor(ct.length / 2)]! ^= 0x01;
    await client.send(
      new UpdateItemCommand({
        TableName: stackInfo().tables.cases,
        Key: key,
        UpdateExpression: 'SET envelope.ct = :ct',
        ExpressionAttributeValues: { ':ct': { B: ct } },
      }),
    );
    client.destroy();
    const answer = await call('GET', `/cases/${created.caseId}`, { headers: bearer(own) });
    expect(answer.status).toBe(500);
    expect(answer.body.type).toBe('urn:problem:integrity-error');
    expect(answer.body.data).toBeUndefined();
    expect(answer.text).not.toContain(marker);
  });

  it('an envelope copied onto another case is an integrity error without data', async () => {
    const source = fishingLicence();
    const from = (await submit('fischereischein', { data: source.data })).body;
    const to = (await submit('fischereischein', { data: fishingLicence().data })).body;
    const client = ddb();
    const table = stackInfo().tables.cases;
    const item = (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `CASE#${from.caseId}` }, sk: { S: 'CASE' } } }))).Item!;
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: `CASE#${to.caseId}` }, sk: { S: 'CASE' } },
        UpdateExpression: 'SET envelope = :envelope',
        ExpressionAttributeValues: { ':envelope': item.envelope! },
      }),
    );
    client.destroy();
    const answer = await call('GET', `/cases/${to.caseId}`, { headers: bearer(own) });
    expect(answer.status).toBe(500);
    expect(answer.body.type).toBe('urn:problem:integrity-error');
    expect(answer.text).not.toContain(source.marker);
  });
});
