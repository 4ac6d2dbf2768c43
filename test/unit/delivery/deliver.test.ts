import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import { createDeliver, DELIVERY_ACTOR, type DeliverDeps } from '../../../functions/deliver/deliver.ts';
import { summaryMessage } from '#lib/cases/integrity.ts';
import { sealIdentity } from '#lib/cases/identity.ts';
import type { CaseEvent, DeliveryState } from '#lib/cases/model.ts';
import type { LoadedCase } from '#lib/cases/store.ts';
import { sealNewCase } from '#lib/crypto/envelope.ts';
import { DELIVERY_BACKOFF } from '#lib/delivery/backoff.ts';
import { parseDestinations } from '#lib/delivery/destinations.ts';
import { noAttachments } from '#lib/delivery/payload.ts';
import { verify } from '#lib/delivery/signature.ts';
import { startLocalKms, type LocalKms } from '../../../infra/local/kms.ts';
import { deliveryBasics, TEST_SIGNING_SECRET } from '../../support/deliveryWorld.ts';
import { sampleSummary } from '../../support/summaries.ts';
import { sealedCase } from '../../support/sealedCase.ts';

let localKms: LocalKms;
let kms: KMSClient;
let dir: string;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let publicJwk: Record<string, unknown>;
const SECRET = TEST_SIGNING_SECRET;
const data = { applicant: { name: 'Erika Mustermann', birthDate: '1980-01-01' } };
const summary = sampleSummary();
const expiresAt = 1_900_000_000;
let stored: LoadedCase;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-deliver-'));
  localKms = await startLocalKms({ dataDir: dir, port: 0 });
  kms = new KMSClient({ region: 'eu-central-1', endpoint: localKms.url, credentials: localKms.credentials, maxAttempts: 1 });
  const keys = await generateKeyPair('RSA-OAEP-256', { modulusLength: 3072, extractable: true });
  privateKey = keys.privateKey;
  publicJwk = { ...(await exportJWK(keys.publicKey)), kid: 'fv-1', key_ops: ['wrapKey'] };
  stored = await sealedCase(kms, localKms.keyArn, summary, Buffer.from(JSON.stringify(data)), expiresAt);
});

afterAll(async () => {
  kms.destroy();
  await localKms.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-27T13:40:00.000Z');
/** Attempt number n, of a message first received a minute ago. */
const attempt = (receiveCount: number, firstReceivedAt = NOW.getTime() - 60_000) => ({ receiveCount, firstReceivedAt });
/** An attempt after the retry period: the last. */
const lastAttempt = attempt(14, NOW.getTime() - DELIVERY_BACKOFF.retrySeconds * 1000);

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

let events: CaseEvent[];
let state: { delivery: DeliveryState | null; deliveryId?: string };
let sent: Sent[];
let answer: () => Promise<{ status: number }>;
/** The settle's transaction fails (DynamoDB down, the event's write refused): nothing of it is written. */
let settleFails: boolean;

beforeEach(() => {
  settleFails = false;
  events = [];
  state = { delivery: null };
  sent = [];
  answer = async () => ({ status: 202 });
});

function deps(overrides: Partial<DeliverDeps> = {}): DeliverDeps {
  return {
    cases: { load: async (caseId) => (caseId === summary.caseId ? stored : undefined) },
    deliveryState: {
      claim: async () => {
        if (state.delivery === 'delivered') return undefined;
        state.delivery = 'pending';
        state.deliveryId ??= '01JDZ9000000000000000000AA';
        return state.deliveryId;
      },
      // The settle and its event in one transaction (state.ts): both or neither.
      settle: async (_caseId, id, to, event) => {
        if (state.delivery !== 'pending' || state.deliveryId !== id) return false;
        if (settleFails) throw Object.assign(new Error('transaction failed'), { name: 'InternalServerError' });
        state.delivery = to;
        events.push(event);
        return true;
      },
    },
    ...deliveryBasics({ kms, keyArn: localKms.keyArn, publicJwk, events }),
    post: async (url, _to, headers, body) => {
      // The event that records the decryption is written before anything is sent.
      expect(events.map((event) => event.type)).toContain('case.viewed');
      sent.push({ url: url.href, headers, body });
      return answer();
    },
    now: () => NOW,
    ...overrides,
  };
}

describe('the delivery worker', () => {
  it('sends the case encrypted to the destination key and signed, and records the decryption and the delivery', async () => {
    const outcome = await createDeliver(deps())(summary.caseId, attempt(1));
    expect(outcome).toEqual({ kind: 'delivered', deliveryId: state.deliveryId });
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request!.url).toBe('http://127.0.0.1:9/inbox');
    expect(request!.headers).toMatchObject({
      'Content-Type': 'application/jose',
      'X-Delivery-Id': state.deliveryId,
      'X-Case-Id': summary.caseId,
      'X-Delivery-Timestamp': String(Date.parse('2026-11-27T13:40:00.000Z') / 1000),
    });
    const timestamp = request!.headers['X-Delivery-Timestamp'];
    expect(verify(SECRET, { timestamp, signature: request!.headers['X-Delivery-Signature'] }, Buffer.from(request!.body), Number(timestamp))).toBeUndefined();
    const payload = JSON.parse(Buffer.from((await compactDecrypt(request!.body, privateKey)).plaintext).toString('utf8')) as unknown;
    expect(payload).toEqual({
      caseId: summary.caseId,
      reference: summary.reference,
      formId: summary.formId,
      formVersion: summary.formVersion,
      office: summary.office,
      receivedAt: summary.receivedAt,
      data,
      attachments: [],
    });
    expect(events.map(({ type, actor }) => [type, actor])).toEqual([
      ['case.viewed', DELIVERY_ACTOR],
      ['case.delivered', DELIVERY_ACTOR],
    ]);
    expect(state.delivery).toBe('delivered');
  });

  it('carries the identity of a citizen who signed in as authentication beside data (never sub), and keeps the MAC whole without it', async () => {
    const identity = {
      provider: 'bundid' as const,
      sub: 'S'.repeat(43),
      level: 'substantial' as const,
      attributes: { surname: 'Gabler', givenName: 'Erika' },
      authenticatedAt: '2026-11-27T13:30:00.000Z',
    };
    const identified = await sealNewCase(kms, localKms.keyArn, summary, Buffer.from(JSON.stringify(data)), (envelope, key) => ({
      summary,
      envelope,
      expiresAt,
      mac: key.mac(summaryMessage(summary, expiresAt, [], true)),
      identity: sealIdentity(key, identity),
      notes: [],
      files: [],
      messages: [],
      messageFiles: [],
    }));
    const outcome = await createDeliver(deps({ cases: { load: async () => identified } }))(summary.caseId, attempt(1));
    expect(outcome.kind).toBe('delivered');
    const payload = JSON.parse(Buffer.from((await compactDecrypt(sent[0]!.body, privateKey)).plaintext).toString('utf8')) as Record<string, unknown>;
    const { sub: _sub, ...authentication } = identity;
    expect(payload.authentication).toEqual(authentication);
    expect(payload.data).toEqual(data);
    // Its identity removed from the item, the case no longer passes its MAC: nothing is sent.
    const { identity: _removed, ...stripped } = identified;
    sent = [];
    state = { delivery: null };
    const broken = await createDeliver(deps({ cases: { load: async () => stripped } }))(summary.caseId, attempt(1));
    expect(broken.kind).not.toBe('delivered');
    expect(sent).toEqual([]);
  });

  it('calls per delivery: one case load, one head read of the audit chain, one claim, one KMS Decrypt, one signing secret, one POST, one event write, one settle with its event', async () => {
    const calls: string[] = [];
    const kmsCalls: string[] = [];
    const counted = deps();
    const counting = new KMSClient({ region: 'eu-central-1', endpoint: localKms.url, credentials: localKms.credentials, maxAttempts: 1 });
    counting.middlewareStack.add((next, context) => async (args) => {
      kmsCalls.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize' });
    const outcome = await createDeliver({
      ...counted,
      kms: counting,
      cases: { load: async (caseId) => (calls.push('cases.load'), counted.cases.load(caseId)) },
      deliveryState: {
        claim: async (...args) => (calls.push('deliveryState.claim'), counted.deliveryState.claim(...args)),
        settle: async (...args) => (calls.push('deliveryState.settle'), counted.deliveryState.settle(...args)),
      },
      events: {
        headForAppend: (caseId) => (calls.push('events.head'), counted.events.headForAppend(caseId)),
        append: async (caseId, event, expires, headRead) => (calls.push(`events.append ${event.type}`), counted.events.append(caseId, event, expires, headRead)),
      },
      signingSecrets: async (id) => (calls.push('signingSecrets'), counted.signingSecrets(id)),
      attachments: async (...args) => (calls.push('attachments'), noAttachments(...args)),
      post: async (...args) => (calls.push('post'), counted.post!(...args)),
    })(summary.caseId, attempt(1));
    counting.destroy();
    expect(outcome).toMatchObject({ kind: 'delivered' });
    expect(kmsCalls).toEqual(['DecryptCommand']);
    // The stores behind these: a Query of the case's partition, a Query of the chain's head (none
    // when the instance knows it), an UpdateItem of its delivery state (the claim), a PutItem of an
    // event, one transaction of the settle and case.delivered.
    expect(calls).toEqual(['cases.load', 'events.head', 'deliveryState.claim', 'events.append case.viewed', 'attachments', 'signingSecrets', 'post', 'deliveryState.settle']);
    expect(events.map((event) => event.type)).toEqual(['case.viewed', 'case.delivered']);
  });

  it('links case.viewed to the chain head it read beside the claim', async () => {
    const heads: string[] = [];
    const given: { type: string; head: unknown }[] = [];
    let claimed = false;
    const base = deps();
    const outcome = await createDeliver({
      ...base,
      deliveryState: {
        // The head read is under way before the claim is answered.
        claim: async (caseId) => (expect(heads).toEqual([caseId]), (claimed = true), base.deliveryState.claim(caseId)),
        settle: base.deliveryState.settle,
      },
      events: {
        headForAppend: async (caseId) => (heads.push(caseId), { seq: 4, hash: 'head-hash' }),
        append: async (caseId, event, expires, headRead) => {
          given.push({ type: event.type, head: await headRead });
          return base.events.append(caseId, event, expires);
        },
      },
    })(summary.caseId, attempt(1));
    expect(outcome).toMatchObject({ kind: 'delivered' });
    expect(claimed).toBe(true);
    expect(heads).toEqual([summary.caseId]);
    // case.delivered is written with the settle, in its transaction (state.ts).
    expect(given).toEqual([{ type: 'case.viewed', head: { seq: 4, hash: 'head-hash' } }]);
  });

  it('carries the case\'s files from its attachment source, asked only after the decryption is on record', async () => {
    const fileItems = [{ pk: { S: 'CASE#x' }, sk: { S: 'CASE#FILE#01JDZ8Q6W4X3Y2Z1A0B9C8D7F0' } }];
    const file = { attachmentId: '01JDZ8Q6W4X3Y2Z1A0B9C8D7F0', field: '/documents/0', fileName: 'Lichtbild.pdf', mediaType: 'application/pdf', size: 3, sha256: 'x', content: 'AAEC' };
    const asked: unknown[] = [];
    const outcome = await createDeliver(
      deps({
        cases: { load: async () => ({ ...stored, files: fileItems }) },
        attachments: async (given, files) => {
          expect(events.map((event) => event.type)).toEqual(['case.viewed']);
          asked.push([given.caseId, files]);
          return [file];
        },
      }),
    )(summary.caseId, attempt(1));
    expect(outcome).toMatchObject({ kind: 'delivered' });
    expect(asked).toEqual([[summary.caseId, fileItems]]);
    const payload = JSON.parse(Buffer.from((await compactDecrypt(sent[0]!.body, privateKey)).plaintext).toString('utf8')) as { attachments: unknown };
    expect(payload.attachments).toEqual([file]);
  });

  it('sends nothing and retries when the files cannot be read', async () => {
    const outcome = await createDeliver(
      deps({
        attachments: async () => {
          throw Object.assign(new Error('vault down'), { name: 'S3ServiceException' });
        },
      }),
    )(summary.caseId, attempt(1));
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'S3ServiceException' });
    expect(sent).toHaveLength(0);
  });

  it('sends the same delivery id on every attempt', async () => {
    answer = async () => ({ status: 503 });
    const deliver = createDeliver(deps());
    await deliver(summary.caseId, attempt(1));
    answer = async () => ({ status: 200 });
    await deliver(summary.caseId, attempt(2));
    expect(sent.map((request) => request.headers['X-Delivery-Id'])).toEqual([state.deliveryId, state.deliveryId]);
  });

  it('asks for a retry after the backoff delay when the destination answers no 2xx or not at all', async () => {
    answer = async () => ({ status: 500 });
    expect(await createDeliver(deps())(summary.caseId, attempt(3))).toEqual({ kind: 'retry', afterSeconds: 240, reason: 'HTTP 500' });
    answer = async () => {
      throw Object.assign(new Error('socket hang up'), { name: 'DeliveryTimeoutError' });
    };
    expect(await createDeliver(deps())(summary.caseId, attempt(1))).toEqual({ kind: 'retry', afterSeconds: 60, reason: 'DeliveryTimeoutError' });
    expect(state.delivery).toBe('pending');
    expect(events.map((event) => event.type)).not.toContain('case.delivered');
  });

  it('records case.delivery_failed and delivery "failed" when the last attempt fails', async () => {
    answer = async () => ({ status: 400 });
    expect(await createDeliver(deps())(summary.caseId, lastAttempt)).toEqual({ kind: 'failed', reason: 'HTTP 400' });
    expect(events.map((event) => event.type)).toEqual(['case.viewed', 'case.delivery_failed']);
    expect(state.delivery).toBe('failed');
  });

  it('makes an attempt the last once the retry period since the first receive is over, whatever the receive count', async () => {
    answer = async () => ({ status: 502 });
    const firstReceivedAt = NOW.getTime() - DELIVERY_BACKOFF.retrySeconds * 1000;
    expect(await createDeliver(deps())(summary.caseId, attempt(2, firstReceivedAt))).toEqual({ kind: 'failed', reason: 'HTTP 502' });
    expect(state.delivery).toBe('failed');
    expect(await createDeliver(deps())(summary.caseId, attempt(2, firstReceivedAt + 1000))).toMatchObject({ kind: 'retry' });
  });

  it('records one case.delivered when copies of the message deliver the case at once: only the copy whose settle won', async () => {
    const deliver = createDeliver(deps());
    const outcomes = await Promise.all([deliver(summary.caseId, attempt(1)), deliver(summary.caseId, attempt(1)), deliver(summary.caseId, attempt(1))]);
    expect(outcomes.filter((outcome) => outcome.kind === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'skipped')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'case.delivered')).toHaveLength(1);
    // Every copy that decrypted says so; each sent the same delivery id, which the receiver recognises.
    expect(new Set(sent.map((request) => request.headers['X-Delivery-Id']))).toEqual(new Set([state.deliveryId]));
    expect(state.delivery).toBe('delivered');
  });

  it('a settle whose transaction fails leaves the delivery pending and unrecorded, so that the retry settles and records it once', async () => {
    settleFails = true;
    const deliver = createDeliver(deps());
    await expect(deliver(summary.caseId, attempt(1))).rejects.toThrow('transaction failed');
    expect(state.delivery).toBe('pending');
    expect(events.map((event) => event.type)).toEqual(['case.viewed']);
    settleFails = false;
    // The message comes back (the worker threw), copies of it among the retries.
    const outcomes = await Promise.all([deliver(summary.caseId, attempt(2)), deliver(summary.caseId, attempt(2))]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['delivered', 'skipped']);
    expect(state.delivery).toBe('delivered');
    expect(events.filter((event) => event.type === 'case.delivered')).toHaveLength(1);
  });

  it('records one case.delivery_failed when copies fail their last attempt at once', async () => {
    answer = async () => ({ status: 500 });
    const deliver = createDeliver(deps());
    const outcomes = await Promise.all([deliver(summary.caseId, lastAttempt), deliver(summary.caseId, lastAttempt)]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['failed', 'skipped']);
    expect(events.filter((event) => event.type === 'case.delivery_failed')).toHaveLength(1);
  });

  it('delivers after a redrive of a failed delivery, with the same delivery id', async () => {
    answer = async () => ({ status: 400 });
    await createDeliver(deps())(summary.caseId, lastAttempt);
    const failedId = state.deliveryId;
    answer = async () => ({ status: 204 });
    expect(await createDeliver(deps())(summary.caseId, attempt(1))).toEqual({ kind: 'delivered', deliveryId: failedId });
    expect(state.delivery).toBe('delivered');
  });

  it('does nothing for an office without a destination, a missing case or a delivered one', async () => {
    const elsewhere = { ...stored, summary: { ...summary, office: 'jugendamt' } };
    expect(await createDeliver(deps({ cases: { load: async () => elsewhere } }))(summary.caseId, attempt(1))).toEqual({ kind: 'skipped', reason: 'no-destination' });
    expect(await createDeliver(deps())('01JDZ8Q6W4X3Y2Z1A0B9C8D7E7', attempt(1))).toEqual({ kind: 'skipped', reason: 'no-case' });
    state.delivery = 'delivered';
    expect(await createDeliver(deps())(summary.caseId, attempt(1))).toEqual({ kind: 'skipped', reason: 'settled' });
    expect(sent).toHaveLength(0);
    expect(events).toHaveLength(0);
  });

  it('sends nothing when the stored summary fails authentication', async () => {
    const tampered = { ...stored, summary: { ...summary, reference: 'AAAA-BBBB-CCCC' } };
    const outcome = await createDeliver(deps({ cases: { load: async () => tampered } }))(summary.caseId, attempt(1));
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'IntegrityError' });
    expect(sent).toHaveLength(0);
    expect(events).toHaveLength(0);
  });

  it.each([1, 3])('sends nothing and decrypts nothing for an envelope of an unknown format (v %i): an integrity error, retried', async (v) => {
    const unknown = { ...stored, envelope: { ...stored.envelope, v } };
    const outcome = await createDeliver(deps({ cases: { load: async () => unknown } }))(summary.caseId, attempt(1));
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'IntegrityError' });
    expect(sent).toHaveLength(0);
    expect(events).toHaveLength(0);
  });

  it('sends nothing to a destination whose host resolves to a private address', async () => {
    const destinations = parseDestinations({
      allowLoopbackHttp: false,
      destinations: { ordnungsamt: { url: 'https://fv.kreis.example/inbox', publicKey: publicJwk, signingSecretId: 's' } },
    });
    const outcome = await createDeliver(deps({ destinations, resolve: async () => [{ address: '10.0.0.5', family: 4 }] }))(summary.caseId, attempt(1));
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'ForbiddenDestinationError' });
    expect(sent).toHaveLength(0);
  });
});
