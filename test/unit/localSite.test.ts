import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, request, type Server } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createStaticSite, frontEndCsp, securityHeaders } from '../../infra/local/staticSite.ts';

// The local stack's static front ends (infra/local/staticSite.ts): what CloudFront does in AWS,
// for a built app handed in (no esbuild here): app paths answer the app, files themselves, the rest 404.
let server: Server;
let base: string;
let builds = 0;
const STYLES = '.kern-btn{color:red}'.repeat(100);
const file = (text: string, contentType: string) => ({ contents: Buffer.from(text), contentType });

beforeAll(async () => {
  const site = createStaticSite({
    path: '/portal',
    build: async () => {
      builds += 1;
      return new Map([
        ['index.html', file('<!doctype html><title>app</title>', 'text/html; charset=utf-8')],
        ['app.js', file('export {};', 'text/javascript; charset=utf-8')],
        ['app.css', file(STYLES, 'text/css; charset=utf-8')],
        ['assets/big.woff2', file(STYLES, 'font/woff2')],
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

  /** One GET with exactly this Accept-Encoding (fetch would decode): status, headers and the raw body. */
  const raw = (path: string, acceptEncoding?: string) =>
    new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = request(`${base}${path}`, { headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  it('compresses text of 1,000 bytes or more as CloudFront does: brotli where accepted, else gzip', async () => {
    const brotli = await raw('/portal/app.css', 'gzip, deflate, br');
    expect([brotli.headers['content-encoding'], brotli.headers.vary]).toEqual(['br', 'Accept-Encoding']);
    expect(brotliDecompressSync(brotli.body).toString()).toBe(STYLES);
    expect(brotli.body.length).toBeLessThan(STYLES.length / 10);
    const gzip = await raw('/portal/app.css', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(STYLES);
    expect((await raw('/portal/app.css', 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    for (const [path, acceptEncoding] of [['/portal/app.css', undefined], ['/portal/app.js', 'br'], ['/portal/assets/big.woff2', 'br']] as const) {
      const plain = await raw(path, acceptEncoding);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBe(Number(plain.headers['content-length']));
    }
  });
});
