// Issue 12, point 6: after a 413 the local gateway answered itself, the next request a pooled
// keep-alive connection carries must still get its answer.
import { afterAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { stackInfo } from '../support/api.ts';

// One socket at most: a second request reuses the first one's connection if it is kept alive.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
afterAll(() => agent.destroy());

function send(method: string, path: string, body?: Buffer): Promise<{ status: number; connection: string | undefined; text: string }> {
  const { hostname, port } = new URL(stackInfo().apiUrl);
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {};
    const req = request({ agent, hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('local gateway connection handling', () => {
  it('answers a body over its 10 MiB limit with 413 and Connection: close, and the next pooled request succeeds', async () => {
    const tooLarge = await send('POST', '/forms/fischereischein/submissions', Buffer.alloc(11 * 1024 * 1024, 0x20));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.connection).toBe('close');
    const next = await send('GET', '/health');
    expect(next).toMatchObject({ status: 200, text: JSON.stringify({ status: 'ok' }) });
  });
});
