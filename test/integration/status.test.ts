// Citizens' status (API.md, "Citizens' status and confirmation"): the status token of the 201,
// GET /status/{reference} with the right token, a wrong one, another case's, an unknown reference,
// after a clerk's transition, on an idempotent replay, and the rate limit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, clerkToken, fixture } from '../support/api.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { plantMarkers } from '../support/markers.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

const FORM = 'fischereischein';

interface Submitted {
  caseId: string;
  reference: string;
  statusToken: string;
  receivedAt: string;
}

async function submit(key = `status-${randomUUID()}`): Promise<Submitted> {
  const answer = await call('POST', `/forms/${FORM}/submissions`, { body: { data: fixture(FORM) }, headers: { 'Idempotency-Key': key } });
  expect(answer.status).toBe(201);
  plantMarkers([answer.body.statusToken]); // a status token is a secret: never in a log line
  return answer.body as Submitted;
}

const status = (reference: string, token: string | undefined) =>
  call('GET', `/status/${encodeURIComponent(reference)}`, { headers: token === undefined ? {} : { 'Status-Token': token } });

let a: Submitted;
let b: Submitted;

beforeAll(async () => {
  a = await submit();
  b = await submit();
});

describe('the status token', () => {
  it('comes with the 201: base64url, at least 128 bits, different for each case', () => {
    for (const token of [a.statusToken, b.statusToken]) {
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    }
    expect(a.statusToken).not.toBe(b.statusToken);
  });

  it('is the same on an idempotent replay', async () => {
    const key = `status-replay-${randomUUID()}`;
    const first = await submit(key);
    const again = await call('POST', `/forms/${FORM}/submissions`, { body: { data: fixture(FORM) }, headers: { 'Idempotency-Key': key } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first);
  });
});

describe('GET /status/{reference}', () => {
  it('answers status and times, not to be cached, with the right token; no data, office or case id', async () => {
    const answer = await status(a.reference, a.statusToken);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(answer.body).toEqual({
      reference: a.reference,
      formId: FORM,
      status: 'received',
      receivedAt: a.receivedAt,
      updatedAt: a.receivedAt,
      history: [{ at: a.receivedAt, status: 'received' }],
    });
    expect(answer.text).not.toContain(a.caseId);
    expect(answer.text).not.toContain('ordnungsamt');
  });

  it('answers a wrong token, another case\'s token and an unknown reference with the very same 404', async () => {
    const wrong = await status(a.reference, `${a.statusToken.slice(0, -2)}${a.statusToken.endsWith('AA') ? 'BB' : 'AA'}`);
    const foreign = await status(a.reference, b.statusToken);
    const unknown = await status('ABCD-EFGH-JKMN', a.statusToken);
    const malformed = await status('nonsense', a.statusToken);
    for (const answer of [wrong, foreign, unknown, malformed]) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toEqual(wrong.body);
    }
    expect(wrong.body.type).toBe('urn:problem:not-found');
  });

  it('asks for the Status-Token header (400 naming it)', async () => {
    const answer = await status(a.reference, undefined);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ header: 'status-token' })]);
  });

  it('shows the new status after a clerk\'s transition', async () => {
    const token = await clerkToken('status-clerk', ['ordnungsamt']);
    const changed = await call('PATCH', `/cases/${b.caseId}`, {
      body: { status: 'in_review' },
      headers: { authorization: `Bearer ${token}`, 'if-match': '"1"' },
    });
    expect(changed.status).toBe(200);
    const answer = await status(b.reference, b.statusToken);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('in_review');
    expect(answer.body.updatedAt).toBe(changed.body.updatedAt);
    expect(Date.parse(answer.body.updatedAt)).toBeGreaterThan(Date.parse(b.receivedAt) - 1);
    // The status changes, oldest first: receipt, then the clerk's transition (never the clerk).
    expect(answer.body.history).toEqual([
      { at: b.receivedAt, status: 'received' },
      { at: changed.body.updatedAt, status: 'in_review' },
    ]);
    expect(answer.text).not.toContain('status-clerk');
  });
});

describe('rate limit of the status route (a stack of its own, limited to 3 a minute)', () => {
  let stack: RunningStack | undefined;
  afterAll(async () => {
    await stack?.stop();
    removeTempDirs();
  });

  it('answers 429 rate-limited with Retry-After once a client exceeds it, before any handler work', async () => {
    stack = await spawnStack({ LOCAL_DATA_DIR: tempDir('egov-status-rate-'), LOCAL_STATUS_RATE_LIMIT: '3' });
    const ask = () => fetch(`${stack!.info.apiUrl}/status/ABCD-EFGH-JKMN`, { headers: { 'Status-Token': 'x'.repeat(43) } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask()).status);
    expect(statuses).toEqual([404, 404, 404]);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ type: 'urn:problem:rate-limited', title: 'Zu viele Anfragen', status: 429 });
    // Titled in the language asked for, as every other problem.
    const english = await fetch(`${stack.info.apiUrl}/status/ABCD-EFGH-JKMN`, { headers: { 'Status-Token': 'x'.repeat(43), 'Accept-Language': 'en' } });
    expect(english.status).toBe(429);
    expect(await english.json()).toMatchObject({ type: 'urn:problem:rate-limited', title: 'Too many requests', status: 429 });
    // Other routes are not limited by it.
    expect((await fetch(`${stack.info.apiUrl}/forms`)).status).toBe(200);
  });
});
