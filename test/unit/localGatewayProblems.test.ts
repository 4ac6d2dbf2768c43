// The problems the local gateway answers itself (as API Gateway would: unknown route, no token,
// rate limit, a failed integration) are titled in the language asked for, as the handlers' are:
// German by default, English with Accept-Language: en (API.md, errors).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { problemDocument, problemTitle, INTEGRATION_FAILED_TITLE } from '#lib/http/problem.ts';
import { createGateway, type GatewayRoute } from '../../infra/local/gateway.ts';
import { createRateLimiter } from '../../infra/local/rateLimit.ts';

const route = (handler: string, path: string, access: GatewayRoute['access'], invoke: GatewayRoute['invoke']): GatewayRoute =>
  ({ handler, method: 'GET', path, access, needs: {}, invoke }) as unknown as GatewayRoute;

let server: Server;
let base: string;

beforeAll(async () => {
  server = createGateway({
    routes: [
      route('limited', '/limited', 'public', async () => ({ statusCode: 200, body: '{}' })),
      route('clerkOnly', '/clerk', 'clerk', async () => ({ statusCode: 200, body: '{}' })),
      route('broken', '/broken', 'public', async () => {
        throw new Error('the integration failed');
      }),
    ],
    verifyToken: async () => undefined,
    rateLimits: { limited: createRateLimiter({ limit: 0, windowMs: 60_000 }) },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function ask(path: string, language?: string): Promise<{ status: number; body: { type: string; title: string; status: number; detail?: string } }> {
  const answer = await fetch(`${base}${path}`, { headers: language ? { 'Accept-Language': language } : {} });
  return { status: answer.status, body: (await answer.json()) as { type: string; title: string; status: number; detail?: string } };
}

describe('problems of the local gateway itself', () => {
  it.each([
    ['/nowhere', 'not-found'],
    ['/clerk', 'unauthorized'],
    ['/limited', 'rate-limited'],
  ] as const)('%s: %s, titled in German by default and in English when asked', async (path, slug) => {
    const german = await ask(path);
    const english = await ask(path, 'en-GB,en;q=0.9');
    expect(german.body).toMatchObject({ type: `urn:problem:${slug}`, title: problemTitle(slug, 'de'), status: german.status });
    expect(english.body).toMatchObject({ type: `urn:problem:${slug}`, title: problemTitle(slug, 'en'), status: english.status });
    expect(german.body.title).not.toBe(english.body.title);
  });

  it('429 has its detail in the language asked for too', async () => {
    expect((await ask('/limited')).body.detail).toMatch(/^Zu viele Anfragen von dieser Adresse/);
    expect((await ask('/limited', 'en')).body.detail).toMatch(/^Too many requests from this address/);
  });

  it('a failed integration is 503 unavailable, without claiming that nothing was stored', async () => {
    expect((await ask('/broken')).body).toEqual({ ...problemDocument('unavailable', 'de'), title: INTEGRATION_FAILED_TITLE.de });
    expect((await ask('/broken', 'en')).body).toEqual({ ...problemDocument('unavailable', 'en'), title: INTEGRATION_FAILED_TITLE.en });
  });
});
