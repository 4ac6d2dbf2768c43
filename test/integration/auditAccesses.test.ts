import { beforeAll, describe, expect, it } from '@jest/globals';
import { defaultStageName, loadStageConfig } from '../../infra/config.ts';
import { call, clerkToken } from '../support/api.ts';
import { formOf } from '../support/forms.ts';
import { fishingLicence, submit } from '../support/submissions.ts';

/** The office of the form, by the display name the stack's stage file gives it (German by default, English on request). */
const office = formOf('fischereischein').office;
const officeName = loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined)).offices.find(({ id }) => id === office)!.name;

// GET /status/{reference}/accesses over HTTP: who saw the application's data, by office, never by clerk.

let reference: string;
let statusToken: string;
let caseId: string;

beforeAll(async () => {
  const answer = await submit('fischereischein', { data: fishingLicence().data });
  expect(answer.status).toBe(201);
  ({ reference, statusToken, caseId } = answer.body as { reference: string; statusToken: string; caseId: string });
  const token = await clerkToken('alice-the-clerk', [office]);
  expect((await call('GET', `/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
});

describe('GET /status/{reference}/accesses', () => {
  it("lists the clerk's read by the office, never by the clerk's name", async () => {
    const answer = await call('GET', `/status/${reference}/accesses`, { headers: { 'status-token': statusToken } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.items).toContainEqual({ at: expect.any(String), kind: 'viewed', by: officeName.de });
    expect(answer.text).not.toContain('alice-the-clerk');
    for (const item of answer.body.items as { by: string }[]) expect([officeName.de, 'system']).toContain(item.by);
    const times = (answer.body.items as { at: string }[]).map((item) => item.at);
    expect(times).toEqual([...times].sort());
  });

  it('names the office in English on request', async () => {
    const answer = await call('GET', `/status/${reference}/accesses`, { headers: { 'status-token': statusToken, 'accept-language': 'en' } });
    expect(answer.body.items).toContainEqual({ at: expect.any(String), kind: 'viewed', by: officeName.en });
  });

  it('answers a wrong token with the same 404 as an unknown reference', async () => {
    const wrong = await call('GET', `/status/${reference}/accesses`, { headers: { 'status-token': 'wrong' } });
    const unknown = await call('GET', '/status/AAAA-BBBB-CCCC/accesses', { headers: { 'status-token': statusToken } });
    expect([wrong.status, unknown.status]).toEqual([404, 404]);
    expect(wrong.body.type).toBe('urn:problem:not-found');
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('answers a request without a status token with 400 malformed-request', async () => {
    const answer = await call('GET', `/status/${reference}/accesses`);
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:problem:malformed-request');
  });
});
