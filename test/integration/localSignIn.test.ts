// Issue 25, point 15: the local sign-in (`POST /console/local-sign-in`) mints tokens only for the
// console of this stack: a JSON request whose Host and Origin are the stack's own 127.0.0.1:<port>.
// A page of another site (a form post, or a name it rebinds to 127.0.0.1) gets no token.
import { afterAll, describe, expect, it } from '@jest/globals';
import { stackInfo } from '../support/api.ts';
import { closeRawClient, sendRaw, type RawAnswer } from '../support/rawHttp.ts';

afterAll(closeRawClient);

const own = () => new URL(stackInfo().apiUrl).host; // 127.0.0.1:<port>
const body = Buffer.from(JSON.stringify({ sub: 'rita-rebinding', offices: ['ordnungsamt'] }));

function signIn(headers: Record<string, string>, sent: Buffer = body): Promise<RawAnswer> {
  return sendRaw(stackInfo().apiUrl, { method: 'POST', path: '/console/local-sign-in', headers, body: sent }, 30_000);
}

const problemOf = (answer: RawAnswer) => JSON.parse(answer.body.toString('utf8')) as { type: string; status: number };

describe('POST /console/local-sign-in', () => {
  it('mints a token for a JSON request from the console of this stack', async () => {
    const answer = await signIn({ host: own(), origin: `http://${own()}`, 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ idToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
  });

  it.each([
    ['a rebound name as Host and Origin', (port: string) => ({ host: `rebind.attacker.example:${port}`, origin: `http://rebind.attacker.example:${port}` })],
    ['a rebound name as Host, the own Origin', (port: string) => ({ host: `rebind.attacker.example:${port}`, origin: `http://127.0.0.1:${port}` })],
    ['localhost as Host and Origin', (port: string) => ({ host: `localhost:${port}`, origin: `http://localhost:${port}` })],
    ['the own Host and no Origin', (port: string) => ({ host: `127.0.0.1:${port}` })],
    ['the own Host and another site as Origin', (port: string) => ({ host: `127.0.0.1:${port}`, origin: 'https://attacker.example' })],
    ['the own Host and an opaque Origin', (port: string) => ({ host: `127.0.0.1:${port}`, origin: 'null' })],
    ['the own Host and another port as Origin', (port: string) => ({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${Number(port) + 1}` })],
    ['the own Host and an HTTPS Origin', (port: string) => ({ host: `127.0.0.1:${port}`, origin: `https://127.0.0.1:${port}` })],
    ['another port as Host', (port: string) => ({ host: `127.0.0.1:${Number(port) + 1}`, origin: `http://127.0.0.1:${port}` })],
  ])('refuses %s: 403, no token', async (_, headersFor) => {
    const port = new URL(stackInfo().apiUrl).port;
    const answer = await signIn({ ...headersFor(port), 'content-type': 'application/json' });
    expect(answer.status).toBe(403);
    expect(problemOf(answer)).toMatchObject({ type: 'urn:problem:forbidden', status: 403 });
    expect(answer.body.toString('utf8')).not.toContain('idToken');
  });

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', Buffer.from('sub=rita&offices=ordnungsamt')],
    ['text/plain carrying JSON', 'text/plain', body],
    ['multipart', 'multipart/form-data; boundary=x', Buffer.from('--x\r\nContent-Disposition: form-data; name="sub"\r\n\r\nrita\r\n--x--\r\n')],
    ['no content type', undefined, body],
  ])('refuses %s from the own origin: 415, no token', async (_, contentType, sent) => {
    const answer = await signIn({ host: own(), origin: `http://${own()}`, ...(contentType ? { 'content-type': contentType } : {}) }, sent);
    expect(answer.status).toBe(415);
    expect(problemOf(answer)).toMatchObject({ type: 'urn:problem:unsupported-media-type', status: 415 });
  });
});
