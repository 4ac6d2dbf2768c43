import { DELIVERY_BACKOFF, receivesCovering, type BackoffPolicy } from '../delivery/backoff.ts';
import type { QueueNeed } from '../runtime/needs.ts';

/**
 * The stack's queues: what happens to a case after it was received (ARCHITECTURE.md, Data 8).
 * Each has a dead-letter queue; a message that was received `maxReceiveCount` times without being
 * handled moves there (and an alarm fires). The CDK stack and the local stack build the queues
 * from these settings; the visibility timeout is the default pause before a failed message comes
 * back (a worker may choose a longer one, see batch.ts `retryAfter`).
 */
export interface QueueSettings {
  readonly description: string;
  /** Seconds a received message stays invisible; at least six times the function timeout (AWS's advice for Lambda triggers). */
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  /** How long a message is kept, in the queue and in its dead-letter queue (SQS allows 1 minute to 14 days). */
  readonly retentionDays: number;
}

/**
 * Receives one delivery attempt may cost: one in SQS; two in `local-aws-sqs`, which counts the
 * attempt's ChangeMessageVisibility (its backoff pause) as a receive too.
 */
export const RECEIVES_PER_ATTEMPT = 2;
/** Receives the deliveries queue allows beyond the backoff's attempts: worker crashes (timeout, out of memory). */
export const CRASH_RECEIVES = 4;

/**
 * The deliveries queue's `maxReceiveCount` for a backoff policy: every attempt of the retry period,
 * at two receives each, plus the crashes; so the queue's redrive never moves a message before the
 * worker's last attempt has recorded `case.delivery_failed` (docs/delivery.md has the arithmetic).
 */
export function deliveriesMaxReceiveCount(policy: BackoffPolicy): number {
  return RECEIVES_PER_ATTEMPT * receivesCovering(policy) + CRASH_RECEIVES;
}

export const QUEUES: Readonly<Record<QueueNeed, QueueSettings>> = {
  deliveries: {
    description: "cases to deliver to their office's back-office system",
    // Six times the deliver function's timeout (30 s), as AWS advises for a Lambda-triggered queue.
    visibilityTimeoutSeconds: 180,
    // Exponential backoff (the worker's retryAfter) for at least 24 hours, then the dead-letter queue (API.md).
    // The worker dead-letters a delivery itself once the retry period is over (functions/deliver/);
    // the queue's own redrive only catches a worker that keeps crashing.
    maxReceiveCount: deliveriesMaxReceiveCount(DELIVERY_BACKOFF),
    retentionDays: 14,
  },
  confirmations: {
    description: 'cases whose citizen gets a confirmation mail',
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 6,
    retentionDays: 4,
  },
};

/** The name of a queue in a stage (and locally), and of its dead-letter queue. */
export function queueNameOf(prefix: string, queue: QueueNeed): string {
  return `${prefix}-${queue}`;
}
export function deadLetterQueueNameOf(prefix: string, queue: QueueNeed): string {
  return `${prefix}-${queue}-dlq`;
}
