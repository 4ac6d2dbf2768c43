import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { post } from '#lib/delivery/post.ts';
import { sign } from '#lib/delivery/signature.ts';
import { ensureLocalDestination, type LocalDestination } from '../../infra/local/destinations.ts';
import { formsDir, repoRoot } from '../../infra/local/paths.ts';
import { freePort } from '../../infra/local/ports.ts';
import { createReceiver } from '../../infra/local/receiver.ts';
import { mintToken } from '../../infra/local/tokens.ts';
import { fixture } from '../support/api.ts';
import { fileOf, sha256Of, uploaded } from '../support/uploads.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';

// The delivery end to end, over HTTP: a local stack of its own (its destination must exist before
// it starts), the reference receiver in this process on the destination's port, retries in seconds
// (LOCAL_DELIVERY_BACKOFF, LOCAL_QUEUE_VISIBILITY_SECONDS: configuration, not code).

const FORM = 'fischereischein';
const OFFICE = loadFormCatalogue(formsDir()).get(FORM)!.office;
const STACK_ENV = (dataDir: string) => ({
  LOCAL_DATA_DIR: dataDir,
  LOCAL_QUEUE_VISIBILITY_SECONDS: '1',
  // 20 s of 1 s pauses: 21 attempts, 42 receives locally (two per attempt), far more than a redrive
  // limit of the stacks' own policy allows: the local queue's limit must follow this policy.
  LOCAL_DELIVERY_BACKOFF: JSON.stringify({ baseSeconds: 1, capSeconds: 1, retrySeconds: 20 }),
});

let dataDir: string;
let port: number;
let destination: LocalDestination;
let stack: RunningStack;
let token: string;
let listening: Server | undefined;
/** What reached the receiver, raw, for the replay tests. */
const captured: { headers: IncomingMessage['headers']; body: Buffer }[] = [];

const receivedDir = () => join(dataDir, 'received', OFFICE);

async function listen(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  listening = server;
}

async function stopListening(): Promise<void> {
  const server = listening;
  listening = undefined;
  if (!server) return;
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
}

/** The reference receiver on the destination's port, recording what reached it. */
async function startReceiver(): Promise<void> {
  const { server } = createReceiver({ destination, dir: receivedDir(), log: () => undefined });
  server.prependListener('request', (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => captured.push({ headers: req.headers, body: Buffer.concat(chunks) }));
  });
  await listen(server);
}

/** A back office that is up but always fails. */
let failures = 0;
async function startFailingReceiver(): Promise<void> {
  await listen(
    createServer((req, res) => {
      req.resume();
      failures++;
      res.writeHead(503).end();
    }),
  );
}

async function submit(): Promise<{ caseId: string; data: Record<string, unknown> }> {
  const data = fixture(FORM);
  const response = await fetch(`${stack.info.apiUrl}/forms/${FORM}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  expect(response.status).toBe(201);
  return { caseId: ((await response.json()) as { caseId: string }).caseId, data };
}

async function clerk(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.info.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

const eventsOf = async (caseId: string) => ((await clerk(`/cases/${caseId}/events?limit=500`)).items as { type: string; actor: string }[]);
const deliveryOf = async (caseId: string) => (await clerk(`/cases/${caseId}`)).delivery;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const receivedCase = (caseId: string) => {
  const file = join(receivedDir(), `${caseId}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
};
const journalLinesOf = (caseId: string): number => {
  const file = join(receivedDir(), 'deliveries.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line.includes(caseId)).length : 0;
};

const deliveryCommand = async (command: string): Promise<string> =>
  (
    await promisify(execFile)(process.execPath, [join(repoRoot, 'infra/scripts/delivery.ts'), command], {
      cwd: repoRoot,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, NODE_OPTIONS: '' },
    })
  ).stdout;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'egov-delivery-'));
  port = await freePort();
  destination = await ensureLocalDestination(dataDir, OFFICE, port);
  stack = await spawnStack(STACK_ENV(dataDir), 110_000);
  token = await mintToken(dataDir, { sub: 'alice', offices: [OFFICE], ttlSeconds: 3600 });
});

afterAll(async () => {
  await stopListening();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('delivery to the back office', () => {
  it('brings a submission to the running receiver, which verifies, decrypts and finds the data identical', async () => {
    await startReceiver();
    const { caseId, data } = await submit();
    const received = await until('the receiver to store the case', () => receivedCase(caseId));
    expect(received).toMatchObject({ caseId, formId: FORM, office: OFFICE, data, attachments: [] });
    await until('delivery "delivered"', async () => (await deliveryOf(caseId)) === 'delivered');
    // The worker records case.delivered right after its settle won: wait for the event itself.
    const events = await until('case.delivered recorded', async () => {
      const recorded = await eventsOf(caseId);
      return recorded.some((event) => event.type === 'case.delivered') ? recorded : undefined;
    });
    expect(events.map(({ type, actor }) => `${type} ${actor}`)).toEqual(
      expect.arrayContaining(['case.viewed system:delivery', 'case.delivered system:delivery']),
    );
    // The decryption is recorded before the delivery.
    expect(events.findIndex((event) => event.type === 'case.viewed')).toBeLessThan(events.findIndex((event) => event.type === 'case.delivered'));
    // The list answers the delivery state too.
    const list = (await clerk(`/cases?formId=${FORM}&limit=100`)).items as { caseId: string; delivery: unknown }[];
    expect(list.find((item) => item.caseId === caseId)?.delivery).toBe('delivered');
  });

  it('brings a submission with a clean PDF to the receiver: the decrypted file name, and the file byte-identical beside the case', async () => {
    // The upload helpers talk to the stack EGOV_STACK_FILE names: this file's own stack, for this test.
    const suiteStackFile = process.env.EGOV_STACK_FILE;
    process.env.EGOV_STACK_FILE = join(dataDir, 'stack.json');
    let certificate: { attachmentId: string; status: string };
    const bytes = fileOf.pdf(`Prüfungszeugnis ${Date.now()}`);
    const fileName = 'Prüfungszeugnis – Erika Mustermann.pdf';
    try {
      certificate = await uploaded(FORM, { field: '/examCertificate', fileName, mediaType: 'application/pdf', bytes });
    } finally {
      if (suiteStackFile === undefined) delete process.env.EGOV_STACK_FILE;
      else process.env.EGOV_STACK_FILE = suiteStackFile;
    }
    expect(certificate.status).toBe('clean');
    const data = { ...fixture(FORM), examCertificate: certificate.attachmentId };
    const response = await fetch(`${stack.info.apiUrl}/forms/${FORM}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    expect(response.status).toBe(201);
    const { caseId } = (await response.json()) as { caseId: string };

    const received = await until('the receiver to store the case with its file', () => receivedCase(caseId));
    expect(received).toMatchObject({ caseId, formId: FORM, office: OFFICE, data });
    // The case file lists the file's metadata (its content is written beside it, not into the JSON).
    expect(received.attachments).toEqual([
      { attachmentId: certificate.attachmentId, field: '/examCertificate', fileName, mediaType: 'application/pdf', size: bytes.length, sha256: sha256Of(bytes) },
    ]);
    const written = readFileSync(join(receivedDir(), caseId, certificate.attachmentId));
    expect(written.equals(bytes)).toBe(true);
    await until('delivery "delivered"', async () => (await deliveryOf(caseId)) === 'delivered');
    // The file name was decrypted after the read was recorded, and the delivery after that.
    const types = await until('case.delivered recorded', async () => {
      const recorded = (await eventsOf(caseId)).map((event) => `${event.type} ${event.actor}`);
      return recorded.includes('case.delivered system:delivery') ? recorded : undefined;
    });
    expect(types.indexOf('case.viewed system:delivery')).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('case.viewed system:delivery')).toBeLessThan(types.indexOf('case.delivered system:delivery'));
  });

  it('has the receiver refuse a tampered body and an old timestamp, and recognise a repeated delivery id', async () => {
    const original = captured.find((request) => request.headers['x-delivery-id']);
    expect(original).toBeDefined();
    const { headers, body } = original!;
    const header = (name: string) => String(headers[name.toLowerCase()]);
    const send = (changed: Record<string, string>, sent: Buffer) =>
      post(new URL(destination.url), { address: '127.0.0.1', family: 4 }, {
        'Content-Type': 'application/jose',
        'X-Delivery-Id': header('X-Delivery-Id'),
        'X-Case-Id': header('X-Case-Id'),
        'X-Delivery-Timestamp': header('X-Delivery-Timestamp'),
        'X-Delivery-Signature': header('X-Delivery-Signature'),
        ...changed,
      }, sent.toString('ascii'));

    const tampered = Buffer.from(body);
    tampered[tampered.length - 5] = tampered[tampered.length - 5] === 0x41 ? 0x42 : 0x41;
    expect((await send({}, tampered)).status).toBe(401);

    const old = String(Math.floor(Date.now() / 1000) - 600);
    expect((await send({ 'X-Delivery-Timestamp': old, 'X-Delivery-Signature': sign(destination.secret, old, body) }, body)).status).toBe(401);

    const caseId = header('X-Case-Id');
    expect(journalLinesOf(caseId)).toBe(1);
    const again = await send({}, body); // the same delivery again: acknowledged, not stored twice
    expect(again.status).toBe(200);
    expect(journalLinesOf(caseId)).toBe(1);
  });

  it("brings the citizen's reply and the office's decision after the case, as follow-ups the receiver decrypts; a request is not delivered", async () => {
    const submitted = await fetch(`${stack.info.apiUrl}/forms/${FORM}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: fixture(FORM) }),
    });
    expect(submitted.status).toBe(201);
    const { caseId, reference, statusToken } = (await submitted.json()) as { caseId: string; reference: string; statusToken: string };
    await until('the case delivered', async () => (await deliveryOf(caseId)) === 'delivered');
    const clerkCall = async (method: string, path: string, body?: unknown): Promise<Response> => {
      const etag = (await fetch(`${stack.info.apiUrl}/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } })).headers.get('etag')!;
      return fetch(`${stack.info.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': etag }, body: JSON.stringify(body) });
    };
    const detailOf = async (type: string, count = 1) =>
      until(`${type} recorded`, async () => {
        const found = (await eventsOf(caseId)).filter((event) => event.type === type) as { detail?: string }[];
        return found.length >= count ? found.at(-1)!.detail : undefined;
      });
    const followUpOf = (messageId: string) => {
      const file = join(receivedDir(), caseId, `${messageId}.json`);
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
    };

    expect((await clerkCall('PATCH', `/cases/${caseId}`, { status: 'in_review' })).status).toBe(200);
    expect((await clerkCall('POST', `/cases/${caseId}/messages`, { kind: 'request', text: 'Bitte reichen Sie das Zeugnis nach.' })).status).toBe(201);
    const requestId = await detailOf('case.message_sent');
    const reply = await fetch(`${stack.info.apiUrl}/status/${reference}/replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'status-token': statusToken },
      body: JSON.stringify({ text: 'Anbei das Zeugnis.' }),
    });
    expect(reply.status).toBe(201);
    const replyId = (await detailOf('case.reply_received'))!;
    const delivered = await until('the reply at the receiver', () => followUpOf(replyId));
    expect(delivered).toMatchObject({ type: 'reply', caseId, reference, formId: FORM, office: OFFICE, messageId: replyId, from: 'citizen', kind: 'reply', text: 'Anbei das Zeugnis.', attachments: [] });

    await until('the case back in review', async () => (await clerk(`/cases/${caseId}`)).status === 'in_review');
    expect((await clerkCall('PATCH', `/cases/${caseId}`, { status: 'approved' })).status).toBe(200);
    expect((await clerkCall('POST', `/cases/${caseId}/messages`, { kind: 'decision', text: 'Ihr Antrag ist bewilligt.' })).status).toBe(201);
    const decisionId = (await detailOf('case.message_sent', 2))!;
    expect(await until('the decision at the receiver', () => followUpOf(decisionId))).toMatchObject({
      type: 'decision',
      caseId,
      messageId: decisionId,
      from: 'office',
      kind: 'decision',
      text: 'Ihr Antrag ist bewilligt.',
    });
    // One case.delivered per delivery: the case's own and one naming each follow-up; the request is no follow-up.
    const deliveredEvents = await until('three case.delivered', async () => {
      const found = ((await eventsOf(caseId)) as { type: string; detail?: string }[]).filter((event) => event.type === 'case.delivered');
      return found.length >= 3 ? found : undefined;
    });
    expect(deliveredEvents.map((event) => event.detail ?? 'case').sort()).toEqual(['case', decisionId, replyId].sort());
    expect(followUpOf(requestId!)).toBeUndefined();
  });

  it('brings the case later, once, to a receiver that is down at first', async () => {
    await stopListening();
    const { caseId, data } = await submit();
    await until('a first attempt (delivery "pending")', async () => (await deliveryOf(caseId)) === 'pending');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a failed attempt or two
    expect(receivedCase(caseId)).toBeUndefined();
    await startReceiver();
    expect((await until('the case to arrive', () => receivedCase(caseId))).data).toEqual(data);
    await until('delivery "delivered"', async () => (await deliveryOf(caseId)) === 'delivered');
    await until('case.delivered recorded', async () => (await eventsOf(caseId)).some((event) => event.type === 'case.delivered'));
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // nothing more arrives
    expect(journalLinesOf(caseId)).toBe(1);
    expect((await eventsOf(caseId)).filter((event) => event.type === 'case.delivered')).toHaveLength(1);
  });

  it('dead-letters a delivery that always fails (case.delivery_failed, "failed"), and delivers it after a redrive', async () => {
    await stopListening();
    await startFailingReceiver();
    const before = failures;
    const { caseId, data } = await submit();
    await until('case.delivery_failed', async () => (await eventsOf(caseId)).some((event) => event.type === 'case.delivery_failed'), 150_000).catch(async (error: Error) => {
      const events = await eventsOf(caseId);
      throw new Error(`${error.message}: ${failures - before} failed attempts, events ${events.map((event) => event.type).join(', ')}; ${await deliveryCommand('status')}`);
    });
    expect(await deliveryOf(caseId)).toBe('failed');
    expect(failures - before).toBeGreaterThanOrEqual(2);
    await until('the dead letter', async () => /dead letters: 1\b/.test(await deliveryCommand('status')));

    await stopListening();
    await startReceiver();
    expect(await deliveryCommand('redrive')).toMatch(/moved 1 /);
    expect((await until('the redriven case to arrive', () => receivedCase(caseId))).data).toEqual(data);
    await until('delivery "delivered"', async () => (await deliveryOf(caseId)) === 'delivered');
    expect(await deliveryCommand('status')).toMatch(/dead letters: 0\b/);
  }, 240_000);

  it('resumes delivering after the local stack was stopped and started again, without losing a case', async () => {
    await stopListening();
    const { caseId, data } = await submit();
    await until('a first attempt (delivery "pending")', async () => (await deliveryOf(caseId)) === 'pending');
    expect(await stack.stop()).toBe(0);
    await startReceiver();
    stack = await spawnStack(STACK_ENV(dataDir));
    expect((await until('the case to arrive after the restart', () => receivedCase(caseId))).data).toEqual(data);
    await until('delivery "delivered"', async () => (await deliveryOf(caseId)) === 'delivered');
  });
});
