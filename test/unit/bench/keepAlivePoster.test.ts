import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { keepAlivePoster } from '../../../bench/keepAlivePoster.ts';

/**
 * The throughput bench's load generator (bench/keepAlivePoster.ts) must not pay a connection per
 * submission, nor open more connections than requests in flight, and must hand each body and
 * answer through unchanged.
 */
describe('keepAlivePoster', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ headers: req.headers, body });
        res.writeHead(body.includes('fail') ? 422 : 201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/forms/x/submissions`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  it('answers status and body, sends headers and body as given (UTF-8 length)', async () => {
    const poster = keepAlivePoster(1);
    try {
      const body = JSON.stringify({ name: 'Jürgen Müßig' });
      const answer = await poster.post(url, { 'content-type': 'application/json', 'idempotency-key': 'k-1' }, body);
      expect(answer).toEqual({ status: 201, text: JSON.stringify({ echo: body }) });
      const last = received.at(-1)!;
      expect(last.body).toBe(body);
      expect(last.headers['idempotency-key']).toBe('k-1');
      expect(last.headers['content-length']).toBe(String(Buffer.byteLength(body)));
      expect((await poster.post(url, {}, 'fail')).status).toBe(422);
    } finally {
      poster.destroy();
    }
  });

  it('reuses its connections: 40 requests, 4 in flight, at most 4 sockets', async () => {
    sockets.clear();
    const poster = keepAlivePoster(4);
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next++ < 40) expect((await poster.post(url, {}, `{"n":${next}}`)).status).toBe(201);
        }),
      );
      expect(sockets.size).toBeGreaterThan(0);
      expect(sockets.size).toBeLessThanOrEqual(4);
    } finally {
      poster.destroy();
    }
  });
});
