import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import { createDeliver, DELIVERY_ACTOR, type DeliverDeps } from '../../../functions/deliver/deliver.ts';
import type { CaseEvent, DeliveryState } from '#lib/cases/model.ts';
import type { LoadedCase } from '#lib/cases/store.ts';
import type { DeliveryTarget } from '#lib/delivery/state.ts';
import { MESSAGE_PREFIX, replySlotKey, type StoredMessage } from '#lib/messages/items.ts';
import type { MessageFile, MessageKind } from '#lib/messages/model.ts';
import { sealMessage } from '#lib/messages/sealing.ts';
import { startLocalKms, type LocalKms } from '../../../infra/local/kms.ts';
import { attemptsAt, deliveryBasics } from '../../support/deliveryWorld.ts';
import { sampleSummary } from '../../support/summaries.ts';
import { sealedCase } from '../../support/sealedCase.ts';

// Follow-up deliveries (docs/delivery.md): a citizen's reply and the office's decision after the
// case, through the same worker, against a real local KMS and in-memory stores.

let localKms: LocalKms;
let kms: KMSClient;
let dir: string;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let publicJwk: Record<string, unknown>;
const summary = sampleSummary({ status: 'approved', delivery: 'delivered' });
const expiresAt = 1_900_000_000;
const REPLY = '01JDZ9R0000000000000000001';
const DECISION = '01JDZ9R0000000000000000002';
const INFORMATION = '01JDZ9R0000000000000000003';
const FILE: MessageFile = { attachmentId: '01JDZ9F0000000000000000001', fileName: 'zeugnis.pdf', mediaType: 'application/pdf', size: 3, sha256: 'x' };
let stored: LoadedCase;

async function message(messageId: string, from: 'office' | 'citizen', kind: MessageKind | 'reply', text: string, files: MessageFile[], sk: string): Promise<StoredMessage> {
  const sealed = await sealMessage(kms, localKms.keyArn, { caseId: summary.caseId, office: summary.office, itemId: messageId }, { text, attachments: files });
  return { messageId, at: '2026-11-28T09:00:00.000Z', from, kind, actor: from === 'citizen' ? 'citizen' : 'mira', attachmentIds: files.map((file) => file.attachmentId), sealed, sk };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-follow-up-'));
  localKms = await startLocalKms({ dataDir: dir, port: 0 });
  kms = new KMSClient({ region: 'eu-central-1', endpoint: localKms.url, credentials: localKms.credentials, maxAttempts: 1 });
  const keys = await generateKeyPair('RSA-OAEP-256', { modulusLength: 3072, extractable: true });
  privateKey = keys.privateKey;
  publicJwk = { ...(await exportJWK(keys.publicKey)), kid: 'fv-1' };
  const messages = [
    await message(REPLY, 'citizen', 'reply', 'Anbei das Zeugnis.', [FILE], replySlotKey(1)),
    await message(DECISION, 'office', 'decision', 'Ihr Antrag ist bewilligt.', [], `${MESSAGE_PREFIX}${DECISION}`),
    await message(INFORMATION, 'office', 'information', 'Wir prüfen.', [], `${MESSAGE_PREFIX}${INFORMATION}`),
  ];
  stored = await sealedCase(kms, localKms.keyArn, summary, Buffer.from('{}'), expiresAt, messages);
});

afterAll(async () => {
  kms.destroy();
  await localKms.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-28T09:05:00.000Z');
const { attempt, lastAttempt } = attemptsAt(NOW);

let events: CaseEvent[];
/** The delivery state of each item (the case item under `CASE`), with DynamoDB's conditional semantics (delivery/state.ts). */
let states: Map<string, { delivery: DeliveryState; deliveryId: string }>;
let sent: { headers: Record<string, string>; body: string }[];
let answer: () => Promise<{ status: number }>;
let nextId: number;

beforeEach(() => {
  events = [];
  states = new Map();
  sent = [];
  answer = async () => ({ status: 200 });
  nextId = 0;
});

const itemOf = (target: string | DeliveryTarget): string => (typeof target === 'string' ? 'CASE' : (target.item ?? 'CASE'));

function deps(overrides: Partial<DeliverDeps> = {}): DeliverDeps {
  return {
    cases: { load: async (caseId) => (caseId === summary.caseId ? stored : undefined) },
    deliveryState: {
      claim: async (target) => {
        await Promise.resolve(); // a round trip: concurrent copies interleave here
        const state = states.get(itemOf(target));
        if (state?.delivery === 'delivered') return undefined;
        const deliveryId = state?.deliveryId ?? `01JDZ9D00000000000000000${String(++nextId).padStart(2, '0')}`;
        states.set(itemOf(target), { delivery: 'pending', deliveryId });
        return deliveryId;
      },
      // The settle and its event in one transaction (state.ts): both or neither.
      settle: async (target, id, to, event) => {
        await Promise.resolve();
        const state = states.get(itemOf(target));
        if (state?.delivery !== 'pending' || state.deliveryId !== id) return false;
        states.set(itemOf(target), { delivery: to, deliveryId: id });
        events.push(event);
        return true;
      },
    },
    ...deliveryBasics({ kms, keyArn: localKms.keyArn, publicJwk, events }),
    followUps: {
      messageKeyId: localKms.keyArn,
      messageFiles: async (_caseId, files) => files.map((file) => ({ ...file, content: 'AAEC' })),
    },
    post: async (_url, _to, headers, body) => {
      // The decryption of the message is on record before anything is sent.
      expect(events.map((event) => event.type)).toContain('case.viewed');
      sent.push({ headers, body });
      return answer();
    },
    now: () => NOW,
    ...overrides,
  };
}

const payloadOf = async (body: string) => JSON.parse(Buffer.from((await compactDecrypt(body, privateKey)).plaintext).toString('utf8')) as Record<string, unknown>;

describe('follow-up deliveries', () => {
  it("delivers the citizen's reply as type reply: the case's summary, the text, the files with their bytes; its state on the reply's item", async () => {
    const outcome = await createDeliver(deps())(summary.caseId, attempt(1), REPLY);
    expect(outcome).toEqual({ kind: 'delivered', deliveryId: states.get(replySlotKey(1))?.deliveryId });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers).toMatchObject({ 'X-Case-Id': summary.caseId, 'X-Delivery-Id': states.get(replySlotKey(1))?.deliveryId });
    expect(await payloadOf(sent[0]!.body)).toEqual({
      type: 'reply',
      caseId: summary.caseId,
      reference: summary.reference,
      formId: summary.formId,
      formVersion: summary.formVersion,
      office: summary.office,
      messageId: REPLY,
      at: '2026-11-28T09:00:00.000Z',
      from: 'citizen',
      kind: 'reply',
      text: 'Anbei das Zeugnis.',
      attachments: [{ ...FILE, content: 'AAEC' }],
    });
    expect(events.map(({ type, actor, detail }) => [type, actor, detail])).toEqual([
      ['case.viewed', DELIVERY_ACTOR, REPLY],
      ['case.delivered', DELIVERY_ACTOR, REPLY],
    ]);
    expect(states.get(replySlotKey(1))?.delivery).toBe('delivered');
    expect(states.has('CASE')).toBe(false); // the case's own delivery state is not touched
  });

  it("delivers the office's decision as type decision; a request or an information is not delivered", async () => {
    expect((await createDeliver(deps())(summary.caseId, attempt(1), DECISION)).kind).toBe('delivered');
    expect(await payloadOf(sent[0]!.body)).toMatchObject({ type: 'decision', from: 'office', kind: 'decision', messageId: DECISION, text: 'Ihr Antrag ist bewilligt.', attachments: [] });
    sent = [];
    events = [];
    expect(await createDeliver(deps())(summary.caseId, attempt(1), INFORMATION)).toEqual({ kind: 'skipped', reason: 'not-delivered' });
    expect(await createDeliver(deps())(summary.caseId, attempt(1), '01JDZ9R0000000000000000009')).toEqual({ kind: 'skipped', reason: 'no-message' });
    expect([sent, events, states.has(`${MESSAGE_PREFIX}${INFORMATION}`)]).toEqual([[], [], false]);
  });

  it('records one case.delivered when copies of the queue message arrive at once, all with the same delivery id; a later copy sends nothing', async () => {
    const deliver = createDeliver(deps());
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => deliver(summary.caseId, attempt(1), REPLY)));
    expect(outcomes.filter((outcome) => outcome.kind === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind !== 'delivered')).toEqual(outcomes.slice(1).map(() => ({ kind: 'skipped', reason: 'settled' })));
    expect(events.filter((event) => event.type === 'case.delivered')).toHaveLength(1);
    expect(new Set(sent.map((request) => request.headers['X-Delivery-Id'])).size).toBe(1);
    const before = sent.length;
    expect(await deliver(summary.caseId, attempt(2), REPLY)).toEqual({ kind: 'skipped', reason: 'settled' });
    expect(sent).toHaveLength(before);
  });

  it('keeps its delivery id across retries, and the last failed attempt records case.delivery_failed naming the message', async () => {
    answer = async () => ({ status: 503 });
    const deliver = createDeliver(deps());
    expect(await deliver(summary.caseId, attempt(1), REPLY)).toMatchObject({ kind: 'retry', reason: 'HTTP 503' });
    expect(await deliver(summary.caseId, lastAttempt, REPLY)).toMatchObject({ kind: 'failed', reason: 'HTTP 503' });
    expect(new Set(sent.map((request) => request.headers['X-Delivery-Id'])).size).toBe(1);
    expect(events.filter((event) => event.type === 'case.delivery_failed')).toEqual([expect.objectContaining({ actor: DELIVERY_ACTOR, detail: REPLY })]);
    expect(states.get(replySlotKey(1))?.delivery).toBe('failed');
  });

  it('waits for its case: while the case is not delivered it sends nothing, decrypts nothing and is retried', async () => {
    const pending = { ...stored, summary: { ...summary, delivery: 'pending' as const } };
    const outcome = await createDeliver(deps({ cases: { load: async () => pending } }))(summary.caseId, attempt(1), REPLY);
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'CaseNotDelivered' });
    expect([sent, events]).toEqual([[], []]);
  });

  it('sends nothing for an office without destination', async () => {
    const elsewhere = { ...stored, summary: { ...summary, office: 'bauamt' } };
    expect(await createDeliver(deps({ cases: { load: async () => elsewhere } }))(summary.caseId, attempt(1), REPLY)).toEqual({ kind: 'skipped', reason: 'no-destination' });
    expect(sent).toEqual([]);
  });
});
