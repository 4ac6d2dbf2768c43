import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStaticSite, frontEndCsp, securityHeaders } from '../../infra/local/staticSite.ts';

// The local stack's static front ends (infra/local/staticSite.ts): what CloudFront does in AWS,
// for a built app handed in (no esbuild here): app paths answer the app, files themselves, the rest 404.
let server: Server;
let base: string;
let builds = 0;
const file = (text: string, contentType: string) => ({ contents: Buffer.from(text), contentType });

beforeAll(async () => {
  const site = createStaticSite({
    path: '/portal',
    build: async () => {
      builds += 1;
      return new Map([
        ['index.html', file('<!doctype html><title>app</title>', 'text/html; charset=utf-8')],
        ['app.js', file('export {};', 'text/javascript; charset=utf-8')],
        ['assets/font-abc.woff2', file('font', 'font/woff2')],
      ]);
    },
    config: { apiUrl: '' },
    headers: securityHeaders(frontEndCsp(['http://127.0.0.1:9'])),
    appRoutes: true,
  });
  server = createServer((req, res) => {
    void site(req, res, new URL(req.url ?? '/', 'http://localhost').pathname, 'request-id').then((served) => {
      if (!served) {
        res.writeHead(418);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a front end on the local stack', () => {
  it('answers every app path with the app, under the same CSP as in AWS', async () => {
    for (const path of ['/portal/', '/portal/forms/fischereischein', '/portal/status']) {
      const answer = await fetch(`${base}${path}`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('<title>app</title>');
      expect(answer.headers.get('content-security-policy')).toBe(frontEndCsp(['http://127.0.0.1:9']));
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('answers files as themselves, assets cached for good, and a missing file with 404', async () => {
    expect(await (await fetch(`${base}/portal/app.js`)).text()).toBe('export {};');
    expect((await fetch(`${base}/portal/assets/font-abc.woff2`)).headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/portal/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${base}/portal/config.json`)).json()).toEqual({ apiUrl: '' });
  });

  it('redirects the bare path, leaves other paths to the gateway, refuses writes, and builds once', async () => {
    const bare = await fetch(`${base}/portal`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/portal/']);
    expect((await fetch(`${base}/forms`)).status).toBe(418);
    expect((await fetch(`${base}/portal/app.js`, { method: 'POST' })).status).toBe(404);
    expect(builds).toBe(1);
  });
});
