import { describe, expect, it } from '@jest/globals';
import type { KMSClient } from '@aws-sdk/client-kms';
import { createDeliver, type DeliverDeps } from '../../../functions/deliver/deliver.ts';
import type { CaseEvent, DeliveryState } from '#lib/cases/model.ts';
import type { LoadedCase } from '#lib/cases/store.ts';
import { DELIVERY_BACKOFF, type BackoffPolicy } from '#lib/delivery/backoff.ts';
import { noAttachments } from '#lib/delivery/payload.ts';
import { deliveriesMaxReceiveCount, QUEUES, RECEIVES_PER_ATTEMPT } from '#lib/messaging/queues.ts';
import { sampleSummary } from '../../support/summaries.ts';

// Issue 25, point 12: a delivery that keeps failing ends `failed` with case.delivery_failed, decided
// by the worker after the retry period, never as a silent dead letter moved by the queue's redrive.
// The queue is modelled as SQS and as local-aws-sqs count receives: one per attempt in SQS, two
// locally (the backoff pause, a ChangeMessageVisibility, counts as a receive there).

const summary = sampleSummary();
const stored = { summary, envelope: {}, notes: [], files: [], expiresAt: 1_900_000_000, mac: '' } as unknown as LoadedCase;
const START = Date.parse('2026-11-27T13:40:00.000Z');
/** The back office never answers: every attempt fails (here already at the decryption, as when KMS is down). */
const downKms = { send: async () => Promise.reject(Object.assign(new Error('down'), { name: 'KMSInternalException' })) } as unknown as KMSClient;

interface Run {
  outcome: 'failed' | 'dead-lettered by the queue';
  attempts: number;
  receives: number;
  elapsedSeconds: number;
  events: CaseEvent[];
  delivery: DeliveryState | null;
}

/** Drives the worker through a queue that hands the message out until the worker settles it or the redrive moves it. */
async function failingDelivery(policy: BackoffPolicy, maxReceiveCount: number, receivesPerAttempt: number, crashes = 0): Promise<Run> {
  let clock = START;
  let receives = 0;
  let attempts = 0;
  const events: CaseEvent[] = [];
  let delivery: DeliveryState | null = null;
  const deps: DeliverDeps = {
    cases: { load: async () => stored },
    deliveryState: {
      claim: async () => ((delivery = 'pending'), '01JDZ9000000000000000000AA'),
      settle: async (_caseId, _id, to, event) => ((delivery = to), events.push(event), true),
    },
    events: { headForAppend: () => undefined, append: async (_caseId, event) => void events.push(event) },
    kms: downKms,
    caseKeyId: 'key',
    destinations: {
      policy: { allowLoopbackHttp: false },
      backoff: policy,
      destinations: new Map([['ordnungsamt', { office: 'ordnungsamt', url: new URL('https://fv.kreis.example/'), publicKey: {} as never, signingSecretId: 's' }]]),
    },
    signingSecrets: async () => 's'.repeat(64),
    attachments: noAttachments,
    now: () => new Date(clock),
  };
  const deliver = createDeliver(deps);
  for (;;) {
    // A receive: the redrive moves a message whose receive count would pass the limit.
    if (receives + 1 > maxReceiveCount) {
      return { outcome: 'dead-lettered by the queue', attempts, receives, elapsedSeconds: (clock - START) / 1000, events, delivery };
    }
    receives++;
    if (crashes > 0) {
      // The worker dies before it can decide (timeout, out of memory): back after the visibility timeout.
      crashes--;
      clock += QUEUES.deliveries.visibilityTimeoutSeconds * 1000;
      continue;
    }
    attempts++;
    const outcome = await deliver(summary.caseId, { receiveCount: receives, firstReceivedAt: START });
    if (outcome.kind === 'failed') return { outcome: 'failed', attempts, receives, elapsedSeconds: (clock - START) / 1000, events, delivery };
    expect(outcome.kind).toBe('retry');
    if (outcome.kind !== 'retry') throw new Error(`unexpected ${outcome.kind}`);
    receives += receivesPerAttempt - 1;
    clock += outcome.afterSeconds * 1000 + 2_000; // the pause, and the attempt's own time
  }
}

describe('a delivery that keeps failing', () => {
  it.each([
    ['in SQS (one receive per attempt)', 1, 0],
    ['in local-aws-sqs (two receives per attempt)', RECEIVES_PER_ATTEMPT, 0],
    ['in SQS, after the worker crashed four times', 1, 4],
    ['in local-aws-sqs, after the worker crashed four times', RECEIVES_PER_ATTEMPT, 4],
  ])('ends "failed" with case.delivery_failed after 24 hours of backoff, before the queue would redrive it, %s', async (_where, perAttempt, crashes) => {
    const run = await failingDelivery(DELIVERY_BACKOFF, QUEUES.deliveries.maxReceiveCount, perAttempt, crashes);
    expect(run.outcome).toBe('failed');
    expect(run.elapsedSeconds).toBeGreaterThanOrEqual(24 * 60 * 60);
    expect(run.events.filter((event) => event.type === 'case.delivery_failed')).toHaveLength(1);
    expect(run.delivery).toBe('failed');
    expect(run.receives).toBeLessThanOrEqual(QUEUES.deliveries.maxReceiveCount);
  });

  it('does the same with the short test policies of the local stack (LOCAL_DELIVERY_BACKOFF), whose queue limit follows the policy', async () => {
    for (const policy of [
      { baseSeconds: 1, capSeconds: 1, retrySeconds: 6 },
      { baseSeconds: 1, capSeconds: 1, retrySeconds: 20 },
      { baseSeconds: 1, capSeconds: 2, retrySeconds: 10 },
    ]) {
      const run = await failingDelivery(policy, deliveriesMaxReceiveCount(policy), RECEIVES_PER_ATTEMPT);
      expect({ policy, outcome: run.outcome }).toEqual({ policy, outcome: 'failed' });
      expect(run.elapsedSeconds).toBeGreaterThanOrEqual(policy.retrySeconds);
    }
  });

  it('is not declared failed before the retry period is over, however often it was received', async () => {
    const run = await failingDelivery(DELIVERY_BACKOFF, Number.MAX_SAFE_INTEGER, 3);
    expect(run.outcome).toBe('failed');
    expect(run.elapsedSeconds).toBeGreaterThanOrEqual(DELIVERY_BACKOFF.retrySeconds);
  });

  it('still leaves a worker that always crashes to the queue\'s redrive (and its alarm)', async () => {
    const run = await failingDelivery(DELIVERY_BACKOFF, QUEUES.deliveries.maxReceiveCount, 1, Number.MAX_SAFE_INTEGER);
    expect(run).toMatchObject({ outcome: 'dead-lettered by the queue', attempts: 0, receives: QUEUES.deliveries.maxReceiveCount });
  });
});
