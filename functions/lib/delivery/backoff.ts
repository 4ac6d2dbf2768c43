/**
 * Retry timing of deliveries (API.md: exponential backoff for at least 24 hours, then the dead-letter
 * queue). Each failed attempt hides the message for `delaySeconds(attempt)` (the SQS visibility
 * timeout, at most 12 hours); the worker itself decides, by time, that an attempt is the last.
 * `receivesCovering` counts the attempts that span the retry period, from which the queue's own
 * redrive limit is derived (functions/lib/messaging/queues.ts) so that it never comes first.
 */
export interface BackoffPolicy {
  /** Delay after the first failed attempt. */
  readonly baseSeconds: number;
  /** No single delay is longer (SQS allows a visibility timeout of at most 12 hours). */
  readonly capSeconds: number;
  /** How long deliveries are retried before they are dead-lettered. */
  readonly retrySeconds: number;
}

export const SQS_MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/** The policy of the stacks: 1 min, 2, 4, ... capped at 4 h, for 24 h. */
export const DELIVERY_BACKOFF: BackoffPolicy = { baseSeconds: 60, capSeconds: 4 * 60 * 60, retrySeconds: 24 * 60 * 60 };

/** The delay after failed attempt number `attempt` (1-based). */
export function delaySeconds(policy: BackoffPolicy, attempt: number): number {
  const cap = Math.min(policy.capSeconds, SQS_MAX_VISIBILITY_SECONDS);
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(cap, policy.baseSeconds * 2 ** exponent);
}

/**
 * The number of attempts that span the retry period: the first attempt at once, then one attempt
 * after each delay, until the delays add up to at least the retry period (that attempt is the last).
 */
export function receivesCovering(policy: BackoffPolicy): number {
  let waited = 0;
  let attempts = 1;
  while (waited < policy.retrySeconds) {
    waited += delaySeconds(policy, attempts);
    attempts++;
  }
  return attempts;
}
