import { beforeAll, describe, expect, it } from '@jest/globals';
import { call, clerkToken, fixture } from '../support/api.ts';
import { fishingLicence, submit } from '../support/submissions.ts';

let alice: string;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const patch = (caseId: string, body: unknown, ifMatch?: string, token = alice) =>
  call('PATCH', `/cases/${caseId}`, { body, headers: { ...bearer(token), ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) } });
const newCase = async (): Promise<string> => (await submit('fischereischein', { data: fishingLicence().data })).body.caseId;

beforeAll(async () => {
  alice = await clerkToken('alice', ['ordnungsamt']);
});

describe('clerk flow: submit → list → read → in_review with note → events', () => {
  it('runs end to end', async () => {
    const { data, marker } = fishingLicence();
    const created = (await submit('fischereischein', { data })).body;

    const list = await call('GET', '/cases?office=ordnungsamt&formId=fischereischein&status=received&limit=100', { headers: bearer(alice) });
    expect(list.body.items.map((item: { caseId: string }) => item.caseId)).toContain(created.caseId);

    const read = await call('GET', `/cases/${created.caseId}`, { headers: bearer(alice) });
    expect(read.body.data.applicant.familyName).toBe(marker);

    const note = `Unterlagen vollständig ${marker}`;
    const changed = await patch(created.caseId, { status: 'in_review', note }, read.headers.get('etag')!);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ caseId: created.caseId, status: 'in_review', version: 2 });
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body.updatedAt >= created.receivedAt).toBe(true);

    const reread = await call('GET', `/cases/${created.caseId}`, { headers: bearer(alice) });
    expect(reread.body.notes).toEqual([{ at: changed.body.updatedAt, actor: 'alice', text: note }]);

    const events = await call('GET', `/cases/${created.caseId}/events`, { headers: bearer(alice) });
    expect(events.status).toBe(200);
    // The workers that follow a receipt (confirmation, delivery) add their own events as system:<worker>.
    const flow = events.body.items.filter((event: { actor: string }) => !event.actor.startsWith('system:'));
    expect(flow.map((event: { type: string }) => event.type)).toEqual(['case.received', 'case.viewed', 'case.status_changed', 'case.viewed']);
    expect(flow[2]).toEqual({ at: changed.body.updatedAt, type: 'case.status_changed', actor: 'alice', from: 'received', to: 'in_review', seq: expect.any(Number), hash: expect.any(String) });
    // Every event in the case's hash chain, in order (API.md, Audit).
    expect(events.body.items.map((event: { seq: number }) => event.seq)).toEqual(events.body.items.map((_: unknown, index: number) => index + 1));
    expect(flow[1].actor).toBe('alice');
    expect(events.text).not.toContain(marker);

    const moved = await call('GET', '/cases?office=ordnungsamt&status=in_review&limit=100', { headers: bearer(alice) });
    expect(moved.body.items.map((item: { caseId: string }) => item.caseId)).toContain(created.caseId);
    const stillReceived = await call('GET', '/cases?office=ordnungsamt&status=received&limit=100', { headers: bearer(alice) });
    expect(stillReceived.body.items.map((item: { caseId: string }) => item.caseId)).not.toContain(created.caseId);
  });
});

describe('PATCH /cases/{caseId}', () => {
  it('walks the whole workflow', async () => {
    const caseId = await newCase();
    let version = 1;
    for (const status of ['in_review', 'needs_info', 'in_review', 'approved', 'closed']) {
      const answer = await patch(caseId, { status }, `"${version}"`);
      expect(answer.status).toBe(200);
      version = answer.body.version;
    }
    expect(version).toBe(6);
  });

  it.each([
    ['received', 'approved'],
    ['received', 'closed'],
    ['received', 'received'],
  ])('refuses %s → %s with 409 invalid-transition', async (_from, to) => {
    const caseId = await newCase();
    const answer = await patch(caseId, { status: to }, '"1"');
    expect(answer.status).toBe(409);
    expect(answer.body.type).toBe('urn:problem:invalid-transition');
  });

  it('refuses any change of a closed case', async () => {
    const caseId = await newCase();
    let version = 1;
    for (const status of ['in_review', 'rejected', 'closed']) version = (await patch(caseId, { status }, `"${version}"`)).body.version;
    expect((await patch(caseId, { status: 'in_review' }, `"${version}"`)).status).toBe(409);
  });

  it('needs If-Match: 428 without it', async () => {
    const answer = await patch(await newCase(), { status: 'in_review' });
    expect(answer.status).toBe(428);
    expect(answer.body.type).toBe('urn:problem:precondition-required');
  });

  it.each(['"2"', 'W/"1"', '1', '*', '"01"', '" 1"', '"1", "2"'])('answers If-Match %s on version 1 with 412', async (ifMatch) => {
    const answer = await patch(await newCase(), { status: 'in_review' }, ifMatch);
    expect(answer.status).toBe(412);
    expect(answer.body.type).toBe('urn:problem:precondition-failed');
  });

  it('adds a note alone: the status stays, the version moves on, the event is case.note_added', async () => {
    const caseId = await newCase();
    const answer = await patch(caseId, { note: 'Rückruf vereinbart' }, '"1"');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'received', version: 2 });
    expect(answer.headers.get('etag')).toBe('"2"');
    const read = await call('GET', `/cases/${caseId}`, { headers: bearer(alice) });
    expect(read.body.notes.map((note: { text: string }) => note.text)).toEqual(['Rückruf vereinbart']);
    const events = await call('GET', `/cases/${caseId}/events`, { headers: bearer(alice) });
    const flow = events.body.items.filter((event: { actor: string }) => !event.actor.startsWith('system:'));
    expect(flow.map((event: { type: string }) => event.type)).toEqual(['case.received', 'case.note_added', 'case.viewed']);
  });

  it('names the allowed targets when a transition is not allowed (409)', async () => {
    const answer = await patch(await newCase(), { status: 'approved' }, '"1"', alice);
    expect(answer.status).toBe(409);
    expect(answer.body.type).toBe('urn:problem:invalid-transition');
    expect(answer.body.detail).toContain('in_review');
  });

  it('reports a body with neither status nor note as status required (400)', async () => {
    const answer = await patch(await newCase(), {}, '"1"');
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ pointer: '/status', keyword: 'required' }]);
  });

  it('refuses a note over 4,000 characters with 422 at /note, and takes one of exactly 4,000', async () => {
    const caseId = await newCase();
    const tooLong = await patch(caseId, { note: 'ä'.repeat(4_001) }, '"1"');
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.type).toBe('urn:problem:validation-failed');
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ pointer: '/note', keyword: 'maxLength' })]);
    expect((await patch(caseId, { note: 'ä'.repeat(4_000) }, '"1"')).status).toBe(200);
  });

  it('refuses the 101st note of a case with 422 at /note', async () => {
    const caseId = await newCase();
    for (let version = 1; version <= 100; version++) expect((await patch(caseId, { note: `Notiz ${version}` }, `"${version}"`)).status).toBe(200);
    const answer = await patch(caseId, { note: 'eine zu viel' }, '"101"');
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([expect.objectContaining({ pointer: '/note', keyword: 'maxItems' })]);
    expect((await patch(caseId, { status: 'in_review' }, '"101"')).status).toBe(200);
  }, 120_000);

  it('pages the events of a case with limit and cursor, oldest first, and refuses the cursor for another case', async () => {
    const caseId = await newCase();
    for (let i = 0; i < 4; i++) await call('GET', `/cases/${caseId}`, { headers: bearer(alice) });
    const types: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { type: string; actor: string }[]; nextCursor: string | null } } = await call(
        'GET',
        `/cases/${caseId}/events?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: bearer(alice) },
      );
      expect(page.status).toBe(200);
      types.push(...page.body.items.map((event) => `${event.actor.startsWith('system:') ? 'system ' : ''}${event.type}`));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    // The confirmation worker's events (system:confirmation) may land anywhere after the receipt.
    expect(types.filter((type) => !type.startsWith('system '))).toEqual(['case.received', 'case.viewed', 'case.viewed', 'case.viewed', 'case.viewed']);
    expect(pages).toBe(Math.ceil(types.length / 2));
    const first = await call('GET', `/cases/${caseId}/events?limit=1`, { headers: bearer(alice) });
    const other = await newCase();
    const foreign = await call('GET', `/cases/${other}/events?cursor=${encodeURIComponent(first.body.nextCursor)}`, { headers: bearer(alice) });
    expect(foreign.status).toBe(400);
    expect((await call('GET', `/cases/${caseId}/events?limit=501`, { headers: bearer(alice) })).status).toBe(400);
  });

  it('lets only one of two concurrent changes of the same version win', async () => {
    const caseId = await newCase();
    const answers = await Promise.all([patch(caseId, { status: 'in_review' }, '"1"'), patch(caseId, { status: 'in_review', note: 'zweiter' }, '"1"')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
  });

  it.each([
    ['an unknown status', { status: 'done' }],
    ['neither status nor note', {}],
    ['an unknown property', { status: 'in_review', priority: 1 }],
    ['an empty note', { status: 'in_review', note: '   ' }],
  ])('answers a body with %s with 400', async (_name, body) => {
    expect((await patch(await newCase(), body, '"1"')).status).toBe(400);
  });

  it('answers a non-JSON body with 415 and an oversized one with 413', async () => {
    const caseId = await newCase();
    const headers = { ...bearer(alice), 'if-match': '"1"' };
    expect((await call('PATCH', `/cases/${caseId}`, { raw: 'status=in_review', headers: { ...headers, 'content-type': 'text/plain' } })).status).toBe(415);
    const big = JSON.stringify({ status: 'in_review', note: 'x'.repeat(300 * 1024) });
    expect((await call('PATCH', `/cases/${caseId}`, { raw: big, headers: { ...headers, 'content-type': 'application/json' } })).status).toBe(413);
  });
});

describe('pagination', () => {
  it('returns every case exactly once, newest first, across pages', async () => {
    const created: string[] = [];
    const data = fixture('schuelerbefoerderung');
    for (let batch = 0; batch < 15; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => submit('schuelerbefoerderung', { data })));
      created.push(...answers.map((answer) => answer.body.caseId as string));
    }
    const bob = await clerkToken('bob', ['schulamt']);
    const seen: string[] = [];
    const receivedAt: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/cases?office=schulamt&formId=schuelerbefoerderung&limit=37${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call('GET', query, { headers: bearer(bob) });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(37);
      for (const item of page.body.items) {
        seen.push(item.caseId);
        receivedAt.push(`${item.receivedAt}#${item.caseId}`);
      }
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(receivedAt).toEqual([...receivedAt].sort().reverse());
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(created.length / 37));
  });

  it('rejects a cursor of one office for another, and for other filters', async () => {
    const carol = await clerkToken('carol', ['ordnungsamt', 'schulamt']);
    await Promise.all([newCase(), newCase(), newCase()]);
    const first = await call('GET', '/cases?office=ordnungsamt&limit=1', { headers: bearer(carol) });
    const cursor = encodeURIComponent(first.body.nextCursor);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await call('GET', `/cases?office=ordnungsamt&limit=1&cursor=${cursor}`, { headers: bearer(carol) })).status).toBe(200);
    expect((await call('GET', `/cases?office=schulamt&limit=1&cursor=${cursor}`, { headers: bearer(carol) })).status).toBe(400);
    expect((await call('GET', `/cases?office=ordnungsamt&status=received&limit=1&cursor=${cursor}`, { headers: bearer(carol) })).status).toBe(400);
  });

  it('rejects a forged cursor', async () => {
    const first = await call('GET', '/cases?office=ordnungsamt&limit=1', { headers: bearer(alice) });
    const [payload, mac] = (first.body.nextCursor as string).split('.');
    const decoded = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...decoded, a: '9999' })).toString('base64url')}.${mac}`;
    const answer = await call('GET', `/cases?office=ordnungsamt&limit=1&cursor=${encodeURIComponent(forged)}`, { headers: bearer(alice) });
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:problem:malformed-request');
  });
});
