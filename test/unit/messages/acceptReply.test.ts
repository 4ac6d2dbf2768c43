import { describe, expect, it } from '@jest/globals';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CaseSummary } from '#lib/cases/model.ts';
import { nextSummary, StaleCaseError, type CaseChange, type LoadedCase, type StoredCase } from '#lib/cases/store.ts';
import { replySlotKey, type StoredMessage } from '#lib/messages/items.ts';
import { createAcceptReply } from '../../../functions/acceptReply/acceptReply.ts';
import { sealedCase } from '../../support/sealedCase.ts';

// The worker that moves a case waiting for the citizen back to review when he replies: against an
// in-memory case with a real envelope and summary MAC, fed the stream records it would get, twice.
const KEY_ID = 'arn:aws:kms:eu-central-1:111111111111:key/case';
const kms = {
  send: async (command: object) => {
    if (command instanceof GenerateDataKeyCommand || command instanceof DecryptCommand) {
      return { Plaintext: new Uint8Array(32).fill(7), CiphertextBlob: new Uint8Array(64).fill(1), KeyId: KEY_ID };
    }
    throw new Error('unexpected KMS call');
  },
} as unknown as KMSClient;

const CASE_ID = '01JD3ZK8Y2V7Q9W4X6T5R3M1NB';
const REQUEST_1 = '01JD3ZM0000000000000000001';
const REPLY_1 = '01JD3ZM0000000000000000002';
const REQUEST_2 = '01JD3ZM0000000000000000003';

const message = (messageId: string, kind: 'request' | 'reply'): StoredMessage => ({
  messageId,
  at: '2026-11-27T14:00:00.000Z',
  from: kind === 'reply' ? 'citizen' : 'office',
  kind,
  actor: kind === 'reply' ? 'citizen' : 'mira',
  attachmentIds: [],
  sealed: { v: 1, alg: 'AES-256-GCM', kid: KEY_ID, edk: new Uint8Array(1), iv: new Uint8Array(12), tag: new Uint8Array(16), ct: new Uint8Array(1) },
});

async function world(status: CaseSummary['status'], messages: StoredMessage[]) {
  const summary: CaseSummary = {
    caseId: CASE_ID,
    reference: 'K7QM-4HXT-9CRB',
    formId: 'fischereischein',
    formVersion: 1,
    office: 'ordnungsamt',
    status,
    receivedAt: '2026-11-27T13:35:10.123Z',
    updatedAt: '2026-11-27T13:35:10.123Z',
    version: 3,
    delivery: null,
  };
  const expiresAt = 4_000_000_000;
  let current: LoadedCase = await sealedCase(kms, KEY_ID, summary, Buffer.from('{}'), expiresAt, messages);
  const changes: CaseChange[] = [];
  let clash = 0;
  const cases = {
    load: async () => current,
    change: async (stored: StoredCase, change: CaseChange) => {
      if (clash > 0) {
        clash--;
        throw new StaleCaseError('case changed meanwhile');
      }
      if (stored.summary.version !== current.summary.version) throw new StaleCaseError('case changed meanwhile');
      changes.push(change);
      current = { ...current, summary: nextSummary(current.summary, change), mac: change.mac };
      return current.summary;
    },
  };
  const accept = createAcceptReply({ cases, kms, caseKeyId: KEY_ID, warn: () => undefined });
  return { accept, changes, now: () => current, clashOnce: () => (clash = 1) };
}

let sequence = 0;
const replyRecord = (replyId: string): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: String(++sequence),
    NewImage: { pk: { S: `CASE#${CASE_ID}` }, sk: { S: replySlotKey(1) }, messageId: { S: replyId } },
  },
});
const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

describe('acceptReply: a reply moves needs_info back to in_review', () => {
  it('moves the case once, as the citizen, with a summary MAC the case key renews, under duplicate records', async () => {
    const { accept, changes, now } = await world('needs_info', [message(REQUEST_1, 'request'), message(REPLY_1, 'reply')]);
    // The same record twice in one batch, and once more in a later batch (at least once delivery).
    expect(await accept(batch(replyRecord(REPLY_1), replyRecord(REPLY_1)))).toEqual({ batchItemFailures: [] });
    expect(await accept(batch(replyRecord(REPLY_1)))).toEqual({ batchItemFailures: [] });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ to: 'in_review', actor: 'citizen' });
    expect(now().summary).toMatchObject({ status: 'in_review', version: 4 });
  });

  it('leaves a case that waits for nobody as it is (a reply while in review, approved, …)', async () => {
    const { accept, changes } = await world('in_review', [message(REPLY_1, 'reply')]);
    await accept(batch(replyRecord(REPLY_1)));
    expect(changes).toEqual([]);
  });

  it('lets an old reply handed in again not answer a newer request', async () => {
    const { accept, changes } = await world('needs_info', [message(REQUEST_1, 'request'), message(REPLY_1, 'reply'), message(REQUEST_2, 'request')]);
    await accept(batch(replyRecord(REPLY_1)));
    expect(changes).toEqual([]);
  });

  it('tries again when a clerk changed the case meanwhile, and reports the record as failed when that keeps happening', async () => {
    const moved = await world('needs_info', [message(REQUEST_1, 'request')]);
    moved.clashOnce();
    expect(await moved.accept(batch(replyRecord(REPLY_1)))).toEqual({ batchItemFailures: [] });
    expect(moved.changes).toHaveLength(1);

    const failing = await world('needs_info', [message(REQUEST_1, 'request')]);
    const record = replyRecord(REPLY_1);
    const failingAccept = createAcceptReply({
      cases: { load: async () => failing.now(), change: async () => Promise.reject(new StaleCaseError('again')) },
      kms,
      caseKeyId: KEY_ID,
      warn: () => undefined,
    });
    expect(await failingAccept(batch(record))).toEqual({ batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }] });
  });

  it('ignores records that are no new reply', async () => {
    const { accept, changes } = await world('needs_info', []);
    const modify: DynamoDBRecord = { ...replyRecord(REPLY_1), eventName: 'MODIFY' };
    const office: DynamoDBRecord = { eventName: 'INSERT', dynamodb: { NewImage: { pk: { S: `CASE#${CASE_ID}` }, sk: { S: `CASE#MSG#${REQUEST_2}` }, messageId: { S: REQUEST_2 } } } };
    await accept(batch(modify, office));
    expect(changes).toEqual([]);
  });
});
