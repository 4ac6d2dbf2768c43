import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { nextLink, type ChainLink } from '#lib/audit/chain.ts';
import { eventIdOf } from '#lib/audit/chainKeys.ts';
import { createCheckpointStore } from '#lib/audit/checkpointStore.ts';
import { loadCheckpoints, type AuditStore } from '#lib/audit/reading.ts';
import { checkpointIntervalMinutes } from '#lib/audit/settings.ts';
import { verifyAudit, type StoredEvent } from '#lib/audit/verify.ts';
import type { IndexedEvent } from '#lib/audit/window.ts';
import type { CaseEvent } from '#lib/cases/model.ts';
import { createCheckpoint, SETTLE_MS } from '../../../functions/checkpoint/checkpoint.ts';

// The checkpoint interval is a stage setting (infra/config.ts, `audit.checkpointIntervalMinutes`):
// the worker aligns its checkpoints to the interval it is given, finds the latest one by name
// whatever interval wrote it, and `verify` accepts a chain of checkpoints whose interval changed.

const auditKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const CASE = '01KAAAAAAAAAAAAAAAAAAAAAAA';
const LATER = Math.floor(Date.parse('2028-12-07T00:00:00.000Z') / 1000);

/** The checkpoint bucket in memory, with S3's answers for a missing object and a create-only write to a taken name. */
function bucketInMemory(): { s3: S3Client; objects: Map<string, string> } {
  const objects = new Map<string, string>();
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof GetObjectCommand) {
      const text = objects.get(command.input.Key!);
      if (text === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      return { Body: { transformToString: async () => text } };
    }
    if (command instanceof PutObjectCommand) {
      if (command.input.IfNoneMatch !== '*') throw new Error('checkpoints are written create-only');
      if (objects.has(command.input.Key!)) throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
      objects.set(command.input.Key!, String(command.input.Body));
      return {};
    }
    throw new Error(`unexpected ${String(command)}`);
  };
  return { s3: { send } as unknown as S3Client, objects };
}

/** One case's chain, an event every few minutes from 10:00 to 13:00 UTC. */
function chain(): (StoredEvent & { expiresAt: number })[] {
  let head: ChainLink | undefined;
  const events: (StoredEvent & { expiresAt: number })[] = [];
  for (let minute = 1; minute < 180; minute += 7) {
    const event: CaseEvent = { at: new Date(Date.parse('2026-12-07T10:00:00.000Z') + minute * 60_000).toISOString(), type: 'case.viewed', actor: 'alice' };
    head = nextLink(CASE, event, head);
    events.push({ ...event, ...head, eventId: eventIdOf(head.seq), expiresAt: LATER });
  }
  return events;
}

describe('the checkpoint interval (stage setting audit.checkpointIntervalMinutes)', () => {
  it('accepts multiples of the 5-minute grid from 5 to 60 minutes, and nothing else', () => {
    for (const minutes of [5, 10, 15, 30, 45, 60]) expect(checkpointIntervalMinutes.safeParse(minutes).success).toBe(true);
    for (const minutes of [0, 1, 4, 7, 12.5, 65, 120]) expect(checkpointIntervalMinutes.safeParse(minutes).success).toBe(false);
  });

  it('seals on the grid of the interval set, continues after the latest checkpoint when the interval changes, and verify holds across', async () => {
    const { s3, objects } = bucketInMemory();
    const store = createCheckpointStore(s3, 'checkpoints');
    const events = chain();
    const indexed: IndexedEvent[] = events.map(({ seq, hash, at, expiresAt }) => ({ caseId: CASE, seq, hash, at, expiresAt }));
    const worker = (intervalMinutes: number, now: string) =>
      createCheckpoint({
        store,
        eventsBetween: async (from, to) => indexed.filter((event) => event.at >= from && event.at < to),
        sign: async (message) => sign('sha256', message, { key: auditKey.privateKey, dsaEncoding: 'der' }).toString('base64'),
        keyId: 'test',
        intervalMinutes,
        now: () => new Date(Date.parse(now) + SETTLE_MS + 30_000),
      })();

    // Runs as EventBridge makes them, the stage file's interval changed between some of them.
    const runs: [number, string][] = [
      [5, '2026-12-07T11:05:00.000Z'],
      [5, '2026-12-07T11:10:00.000Z'],
      [15, '2026-12-07T11:30:00.000Z'], // 5 → 15: the latest ends at 11:10, off the 15-minute grid
      [15, '2026-12-07T11:45:00.000Z'],
      [10, '2026-12-07T12:00:00.000Z'],
      [60, '2026-12-07T13:00:00.000Z'],
      [5, '2026-12-07T13:05:00.000Z'],
    ];
    const outcomes = [];
    for (const [minutes, now] of runs) outcomes.push(await worker(minutes, now));
    expect(outcomes.map((outcome) => (outcome.outcome === 'up-to-date' ? outcome : [outcome.outcome, outcome.from, outcome.to]))).toEqual([
      ['written', '2026-12-06T11:05:00.000Z', '2026-12-07T11:05:00.000Z'],
      ['written', '2026-12-07T11:05:00.000Z', '2026-12-07T11:10:00.000Z'],
      ['written', '2026-12-07T11:10:00.000Z', '2026-12-07T11:30:00.000Z'],
      ['written', '2026-12-07T11:30:00.000Z', '2026-12-07T11:45:00.000Z'],
      ['written', '2026-12-07T11:45:00.000Z', '2026-12-07T12:00:00.000Z'],
      ['written', '2026-12-07T12:00:00.000Z', '2026-12-07T13:00:00.000Z'],
      ['written', '2026-12-07T13:00:00.000Z', '2026-12-07T13:05:00.000Z'],
    ]);
    // A duplicate of the last run finds its checkpoint written; an early run of a longer interval has nothing to seal.
    expect((await worker(5, '2026-12-07T13:05:00.000Z')).outcome).toBe('up-to-date');
    expect((await worker(60, '2026-12-07T13:50:00.000Z')).outcome).toBe('up-to-date');
    expect(objects.size).toBe(runs.length);

    const auditStore = { checkpoints: store } as unknown as AuditStore;
    const now = new Date('2026-12-07T13:10:00.000Z');
    const checkpoints = await loadCheckpoints(auditStore, auditKey.publicKey, now);
    expect(checkpoints).toHaveLength(runs.length);
    const verdict = verifyAudit({ checkpoints, chains: new Map([[CASE, events]]), now });
    expect(verdict.findings).toEqual([]);
    expect(verdict.verified).toBe(events.length);
    expect(verdict.checkpoints).toBe(runs.length);
  });
});
