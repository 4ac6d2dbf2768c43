import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionsOf, type HttpTrigger } from '../../../functions/functions.ts';
import { MAX_REPLIES } from '../../../functions/lib/messages/model.ts';
import { conversationsFor, isProbed, PROBES, type Fixtures, type Probe } from '../../../bench/memoryRequests.ts';

/**
 * The memory probe (bench/memoryProbe.ts) measures the HTTP functions bench/memoryRequests.ts has
 * requests for; bench/memory.ts lists the others as not measured. Every HTTP function of the table
 * has requests, and each probe's requests reach its own route (method and resource as the table
 * declares them): a request for another route would measure the wrong handler's answer path.
 */
const caseOf = (n: number) => ({ caseId: `01CASE${n}`, reference: `REF-${n}`, statusToken: `token-${n}` });
const REQUESTS = 45;
// The ACS's posts are read from files, one per request (bench/memoryFixtures.ts writes them).
const acsDir = mkdtempSync(join(tmpdir(), 'bench-acs-'));
for (const i of [0, REQUESTS - 1]) writeFileSync(join(acsDir, `${i}.json`), JSON.stringify({ cookie: `signin=${i}`, samlResponse: `response-${i}` }));
afterAll(() => rmSync(acsDir, { recursive: true, force: true }));
const fixtures: Fixtures = {
  body: '{"data":{}}',
  read: caseOf(0),
  changeCaseId: '01CHANGE',
  attachmentId: '01FILE',
  fileCaseId: '01FILECASE',
  exportFrom: '2026-12-07T00:00:00.000Z',
  exportTo: '2026-12-07T01:00:00.000Z',
  messaged: { ...caseOf(1), replyFileId: '01REPLYFILE' },
  conversations: Array.from({ length: conversationsFor(REQUESTS) }, (_, i) => caseOf(10 + i)),
  signIn: { level: 'substantial', returnTo: '/portal/' },
  citizenToken: 'citizen-token',
  acsDir,
};
const HTTP_FUNCTIONS = functionsOf().flatMap(({ name, trigger }) => (trigger.kind === 'http' ? [{ name, trigger }] : []));
const probeOf = (name: string): Probe => {
  if (!isProbed(name)) throw new Error(`${name} has no requests`);
  return PROBES[name](fixtures);
};

describe('memory probe requests', () => {
  it('has requests for every HTTP function of the table, and for nothing else', () => {
    expect(HTTP_FUNCTIONS.filter(({ name }) => !isProbed(name)).map(({ name }) => name)).toEqual([]);
    expect(Object.keys(PROBES).sort()).toEqual(HTTP_FUNCTIONS.map(({ name }) => name).sort());
  });

  it.each(HTTP_FUNCTIONS)('$name: its requests go to its own route', ({ name, trigger }: { name: string; trigger: HttpTrigger }) => {
    const probe = probeOf(name);
    for (const i of [0, REQUESTS - 1]) {
      const event = probe.request(i);
      expect({ method: event.httpMethod, resource: event.resource }).toEqual({ method: trigger.method, resource: trigger.path });
      const clerkRoute = trigger.access === 'clerk';
      expect(event.requestContext.authorizer?.claims !== undefined).toBe(clerkRoute);
    }
  });

  it('spreads the replies and the messages over cases, at most MAX_REPLIES per case, and follows each case\'s version', () => {
    for (const name of ['citizenReply', 'sendMessage'] as const) {
      const probe = probeOf(name);
      const perCase = new Map<string, number>();
      for (let i = 0; i < REQUESTS; i++) {
        const event = probe.request(i);
        const id = event.pathParameters?.caseId ?? event.pathParameters?.reference ?? '';
        perCase.set(id, (perCase.get(id) ?? 0) + 1);
        probe.answered?.(i, { statusCode: 201, body: JSON.stringify({ version: 2 + (perCase.get(id) ?? 0) }) });
      }
      expect(Math.max(...perCase.values())).toBeLessThanOrEqual(MAX_REPLIES);
      expect(perCase.size).toBe(conversationsFor(REQUESTS));
    }
    const messages = probeOf('sendMessage');
    expect(messages.request(0).headers['If-Match']).toBe('"1"');
    messages.answered?.(0, { statusCode: 201, body: JSON.stringify({ version: 7 }) });
    expect(messages.request(1).headers['If-Match']).toBe('"7"');
    expect(messages.request(MAX_REPLIES).headers['If-Match']).toBe('"1"');
  });

  it('posts each ACS request its own login\'s cookie and the IdP\'s answer to it', () => {
    const event = probeOf('bundidAcs').request(REQUESTS - 1);
    expect(event.headers.Cookie).toBe(`signin=${REQUESTS - 1}`);
    expect(new URLSearchParams(event.body ?? '').get('SAMLResponse')).toBe(`response-${REQUESTS - 1}`);
  });

  it('asks for more conversation cases than it was given: an error naming the request', () => {
    expect(() => probeOf('citizenReply').request(MAX_REPLIES * fixtures.conversations.length)).toThrow(/needs conversation case/);
  });
});
