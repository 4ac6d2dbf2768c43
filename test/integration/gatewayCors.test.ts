// Issue 13, portal developers: a browser portal can talk to `npm start`. The local gateway answers
// preflights as the AWS stage does, for the configured origins only, and its own errors carry the
// CORS headers too (else a browser shows the portal a network error instead of the problem).
import { afterAll, describe, expect, it } from '@jest/globals';
import { ALLOWED_HEADERS, allowedOrigins } from '../../infra/local/cors.ts';
import { clerkToken, fixture } from '../support/api.ts';
import { closeRawClient, sendRaw, type RawAnswer } from '../support/rawHttp.ts';
import { stackInfo } from '../support/api.ts';

// What the suite's stack was started with: the dev stage's origins, or CORS_ORIGINS if set.
const origins = allowedOrigins();
const portal = origins[0]!;
const stranger = 'https://evil.example.com';

afterAll(() => closeRawClient());

const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawAnswer> =>
  sendRaw(stackInfo().apiUrl, { method, path, headers, ...(body ? { body } : {}) }, 20_000);

const preflight = (path: string, origin: string, method: string, requested: string) =>
  send('OPTIONS', path, { origin, 'access-control-request-method': method, 'access-control-request-headers': requested });

const list = (value: string | string[] | undefined): string[] =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

describe('CORS preflight on the local gateway', () => {
  it.each(origins)('answers a submission preflight from the configured origin %s with 204 and what the stage allows', async (origin) => {
    const answer = await preflight('/forms/fischereischein/submissions', origin, 'POST', 'content-type,idempotency-key,accept-language');
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(list(answer.headers['access-control-allow-methods'])).toEqual(expect.arrayContaining(['get', 'post', 'patch']));
    expect(list(answer.headers['access-control-allow-headers'])).toEqual(expect.arrayContaining(ALLOWED_HEADERS.map((name) => name.toLowerCase())));
    expect(list(answer.headers.vary)).toContain('origin');
    expect(Number(answer.headers['access-control-max-age'])).toBeGreaterThan(0);
  });

  it('answers the preflight of a clerk route without a token (browsers send none)', async () => {
    const answer = await preflight('/cases/01JD3ZK8Y2V7Q9W4X6T5R3M1NB', portal, 'PATCH', 'authorization,content-type,if-match');
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(portal);
    expect(list(answer.headers['access-control-allow-headers'])).toEqual(expect.arrayContaining(['authorization', 'if-match', 'status-token']));
  });

  it('allows nothing to an origin that is not configured', async () => {
    const answer = await preflight('/forms/fischereischein/submissions', stranger, 'POST', 'content-type');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    expect(list(answer.headers.vary)).toContain('origin');
  });

  it('answers the preflight of an unknown path with a 404 problem', async () => {
    const answer = await preflight('/nothing/here', portal, 'GET', '');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('CORS headers on actual answers', () => {
  const expectCors = (answer: RawAnswer, origin: string) => {
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(list(answer.headers['access-control-expose-headers'])).toEqual(expect.arrayContaining(['etag', 'x-request-id']));
    expect(list(answer.headers.vary)).toContain('origin');
  };

  it('a handler answer (GET /forms) carries them for a configured origin', async () => {
    const answer = await send('GET', '/forms', { origin: portal });
    expect(answer.status).toBe(200);
    expectCors(answer, portal);
  });

  it('a submission and a handler problem (422) carry them', async () => {
    const body = (data: unknown) => Buffer.from(JSON.stringify({ data }));
    const headers = { origin: portal, 'content-type': 'application/json' };
    const created = await send('POST', '/forms/fischereischein/submissions', headers, body(fixture('fischereischein')));
    expect(created.status).toBe(201);
    expectCors(created, portal);
    const invalid = await send('POST', '/forms/fischereischein/submissions', headers, body({}));
    expect(invalid.status).toBe(422);
    expectCors(invalid, portal);
  });

  it.each([
    ['401 (clerk route without a token)', 'GET', '/cases', undefined, 401],
    ['404 (unknown route)', 'GET', '/nothing/here', undefined, 404],
    ['413 (body over the gateway limit)', 'POST', '/forms/fischereischein/submissions', Buffer.alloc(11 * 1024 * 1024, 0x20), 413],
  ] as const)('the gateway’s own %s carries them for a configured origin, not for another', async (_, method, path, body, status) => {
    const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    const allowed = await send(method, path, { ...headers, origin: portal }, body);
    expect(allowed.status).toBe(status);
    expectCors(allowed, portal);
    const foreign = await send(method, path, { ...headers, origin: stranger }, body);
    expect(foreign.status).toBe(status);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a clerk answer carries them', async () => {
    const token = await clerkToken('cors-clerk', ['ordnungsamt']);
    const answer = await send('GET', '/cases?limit=1', { origin: portal, authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expectCors(answer, portal);
  });
});
