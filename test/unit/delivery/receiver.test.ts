import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { encryptFor, publicJwkShape } from '#lib/delivery/jwe.ts';
import type { DeliveryPayload, FollowUpPayload } from '#lib/delivery/payload.ts';
import { post } from '#lib/delivery/post.ts';
import { sign } from '#lib/delivery/signature.ts';
import { ensureLocalDestination, type LocalDestination } from '../../../infra/local/destinations.ts';
import { createReceiver, type Receiver } from '../../../infra/local/receiver.ts';

let dataDir: string;
let destination: LocalDestination;
let receiver: Receiver;
let url: URL;
const lines: string[] = [];
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'egov-receiver-'));
  destination = await ensureLocalDestination(dataDir, 'ordnungsamt', 1);
  receiver = createReceiver({ destination, dir: join(dataDir, 'received', 'ordnungsamt'), log: (line) => lines.push(line) });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  await new Promise((resolve) => receiver.server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

const file = Buffer.from('%PDF-1.7 a tiny file');
function payloadOf(caseId: string): DeliveryPayload {
  return {
    caseId,
    reference: 'K7QM-4HXT-9CRB',
    formId: 'fischereischein',
    formVersion: 2,
    office: 'ordnungsamt',
    receivedAt: '2026-11-27T13:35:10.123Z',
    data: { applicant: { name: 'Erika Mustermann' } },
    attachments: [
      { attachmentId: ulid(), field: '/proof', fileName: 'nachweis.pdf', mediaType: 'application/pdf', size: file.length, sha256: createHash('sha256').update(file).digest('base64'), content: file.toString('base64') },
    ],
  };
}

async function deliver(payload: DeliveryPayload | FollowUpPayload, change: { body?: (body: string) => string; timestamp?: number; deliveryId?: string; secret?: string } = {}) {
  const body = await encryptFor(publicJwkShape.parse(destination.publicJwk), Buffer.from(JSON.stringify(payload)));
  const timestamp = String(change.timestamp ?? now());
  const sent = change.body ? change.body(body) : body;
  return post(url, { address: '127.0.0.1', family: 4 }, {
    'Content-Type': 'application/jose',
    'X-Delivery-Id': change.deliveryId ?? ulid(),
    'X-Case-Id': payload.caseId,
    'X-Delivery-Timestamp': timestamp,
    'X-Delivery-Signature': sign(change.secret ?? destination.secret, timestamp, body),
  }, sent);
}

const receivedDir = () => join(dataDir, 'received', 'ordnungsamt');

describe('the reference receiver', () => {
  it('verifies, decrypts and stores the case and its files, and answers 2xx', async () => {
    const payload = payloadOf(ulid());
    expect((await deliver(payload)).status).toBe(200);
    const stored = JSON.parse(readFileSync(join(receivedDir(), `${payload.caseId}.json`), 'utf8')) as DeliveryPayload;
    expect(stored.data).toEqual(payload.data);
    expect(stored.attachments[0]).not.toHaveProperty('content');
    expect(readFileSync(join(receivedDir(), payload.caseId, payload.attachments[0]!.attachmentId))).toEqual(file);
  });

  it('refuses a tampered body, and stores nothing', async () => {
    const payload = payloadOf(ulid());
    const flip = (body: string) => `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    expect((await deliver(payload, { body: flip })).status).toBe(401);
    expect(existsSync(join(receivedDir(), `${payload.caseId}.json`))).toBe(false);
  });

  it('refuses a timestamp older than five minutes, even when it is signed', async () => {
    const payload = payloadOf(ulid());
    expect((await deliver(payload, { timestamp: now() - 301 })).status).toBe(401);
    expect(existsSync(join(receivedDir(), `${payload.caseId}.json`))).toBe(false);
  });

  it('refuses another signing secret', async () => {
    expect((await deliver(payloadOf(ulid()), { secret: 'x'.repeat(64) })).status).toBe(401);
  });

  it('recognises a repeated delivery id as a duplicate and acknowledges it again', async () => {
    const payload = payloadOf(ulid());
    const deliveryId = ulid();
    expect((await deliver(payload, { deliveryId })).status).toBe(200);
    lines.length = 0;
    expect((await deliver(payload, { deliveryId })).status).toBe(200);
    expect(lines).toEqual([expect.stringContaining(`duplicate delivery ${deliveryId}`)]);
    const journal = readFileSync(join(receivedDir(), 'deliveries.jsonl'), 'utf8');
    expect(journal.split(deliveryId)).toHaveLength(2);
  });

  it("stores a follow-up (a reply, a decision) beside its case, the case's own file untouched", async () => {
    const payload = payloadOf(ulid());
    expect((await deliver(payload)).status).toBe(200);
    const sha256 = createHash('sha256').update(file).digest('base64');
    const followUpOf = (type: 'reply' | 'decision'): FollowUpPayload => ({
      type,
      caseId: payload.caseId,
      reference: payload.reference,
      formId: payload.formId,
      formVersion: payload.formVersion,
      office: payload.office,
      messageId: ulid(),
      at: '2026-11-28T09:00:00.000Z',
      from: type === 'reply' ? 'citizen' : 'office',
      kind: type,
      text: type === 'reply' ? 'Anbei das Zeugnis.' : 'Ihr Antrag ist bewilligt.',
      attachments: [{ attachmentId: ulid(), fileName: `${type}.pdf`, mediaType: 'application/pdf', size: file.length, sha256, content: file.toString('base64') }],
    });
    for (const followUp of [followUpOf('reply'), followUpOf('decision')]) {
      expect((await deliver(followUp)).status).toBe(200);
      const stored = JSON.parse(readFileSync(join(receivedDir(), payload.caseId, `${followUp.messageId}.json`), 'utf8')) as FollowUpPayload;
      expect(stored).toMatchObject({ type: followUp.type, messageId: followUp.messageId, text: followUp.text });
      expect(readFileSync(join(receivedDir(), payload.caseId, followUp.attachments[0]!.attachmentId))).toEqual(file);
    }
    expect((JSON.parse(readFileSync(join(receivedDir(), `${payload.caseId}.json`), 'utf8')) as DeliveryPayload).data).toEqual(payload.data);
  });

  it('refuses a follow-up of an unknown type or without a message id', async () => {
    const payload = payloadOf(ulid());
    const odd = { ...payload, type: 'note', messageId: ulid(), text: 'x' } as unknown as FollowUpPayload;
    expect((await deliver(odd)).status).toBe(400);
    const unnamed = { ...payload, type: 'reply', messageId: '../x', text: 'x' } as unknown as FollowUpPayload;
    expect((await deliver(unnamed)).status).toBe(400);
  });
});
