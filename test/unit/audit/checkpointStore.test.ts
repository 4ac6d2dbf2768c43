import { describe, expect, it } from '@jest/globals';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CheckpointDocument } from '#lib/audit/checkpoint.ts';
import { createCheckpointStore } from '#lib/audit/checkpointStore.ts';

// Racing create-only writes of one checkpoint (a run delivered twice): S3 answers the loser 412, or
// 409 ConditionalRequestConflict while the winner is in flight.
const answer = (status: number, name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const document = { checkpoint: { from: '2026-12-07T14:00:00.000Z' } } as unknown as CheckpointDocument;

function storeAnswering(...answers: (Error | 'ok')[]) {
  let calls = 0;
  const s3 = {
    send: async () => {
      const next = answers[calls++] ?? 'ok';
      if (next !== 'ok') throw next;
      return {};
    },
  } as unknown as S3Client;
  return { store: createCheckpointStore(s3, 'checkpoints'), calls: () => calls };
}

describe('writing a checkpoint', () => {
  it('is written when S3 takes it', async () => {
    const { store, calls } = storeAnswering('ok');
    await expect(store.put(document)).resolves.toBe('written');
    expect(calls()).toBe(1);
  });

  it('exists when S3 answers 412 (another write of the same start won)', async () => {
    const { store } = storeAnswering(answer(412, 'PreconditionFailed'));
    await expect(store.put(document)).resolves.toBe('exists');
  });

  it('asks again after 409 ConditionalRequestConflict, then takes what S3 says', async () => {
    const lost = storeAnswering(answer(409, 'ConditionalRequestConflict'), answer(412, 'PreconditionFailed'));
    await expect(lost.store.put(document)).resolves.toBe('exists');
    expect(lost.calls()).toBe(2);
    const won = storeAnswering(answer(409, 'ConditionalRequestConflict'), 'ok');
    await expect(won.store.put(document)).resolves.toBe('written');
  });

  it('gives up after three conflicts, and never swallows other errors', async () => {
    const conflicts = storeAnswering(...[1, 2, 3].map(() => answer(409, 'ConditionalRequestConflict')));
    await expect(conflicts.store.put(document)).rejects.toThrow('ConditionalRequestConflict');
    expect(conflicts.calls()).toBe(3);
    await expect(storeAnswering(answer(500, 'InternalError')).store.put(document)).rejects.toThrow('InternalError');
  });
});
