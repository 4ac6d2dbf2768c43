import type { SQSRecord } from 'aws-lambda';
import { attemptOf, retryAfter, retryUncounted, type HandleCaseMessage } from '#lib/messaging/batch.ts';
import { SendThrottled } from '#lib/status/mailer.ts';
import type { createConfirmation, Outcome } from './confirm.ts';

export interface ConfirmationAttemptsDeps {
  confirm: ReturnType<typeof createConfirmation>;
  /** The confirmations queue's `maxReceiveCount`: the attempts a mail gets. */
  maxReceiveCount: number;
  log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
  random?: () => number;
}

/** SES asks to wait up to 10 minutes after a throttle; spread over 1 to 10, so that a burst does not come back at once. */
export const THROTTLE_PAUSE_SECONDS = { min: 60, max: 600 } as const;

/**
 * The confirmation worker's attempts at one message. A failure comes back with exponential backoff
 * (30 s, 1 min, 2 min, ...) and counts; the last attempt's failure is recorded (confirm.ts) and
 * the queue's redrive takes the message. A send that SES throttled (rate or daily quota) does not
 * count: the message comes back as a delayed copy (batch.ts `retryUncounted`), however long SES
 * throttles, and never reaches the dead-letter queue for it. A message whose attempts were all used
 * (a copy after the last attempt) is not tried again: it waits for the redrive.
 */
export function createConfirmationAttempts(deps: ConfirmationAttemptsDeps): HandleCaseMessage {
  const random = deps.random ?? Math.random;
  return async (message, record: SQSRecord) => {
    const attempt = attemptOf(record);
    if (attempt > deps.maxReceiveCount) throw retryAfter(0, new Error('attempts used up'));
    let outcome: Outcome;
    try {
      outcome = await deps.confirm(message, { lastAttempt: attempt >= deps.maxReceiveCount });
    } catch (error) {
      if (error instanceof SendThrottled) {
        const seconds = THROTTLE_PAUSE_SECONDS.min + random() * (THROTTLE_PAUSE_SECONDS.max - THROTTLE_PAUSE_SECONDS.min);
        deps.log('warn', 'confirmation throttled', { caseId: message.caseId, attempt });
        throw retryUncounted(seconds, error);
      }
      deps.log('warn', 'confirmation failed', { caseId: message.caseId, attempt, error: error instanceof Error ? error.name : typeof error });
      if (attempt >= deps.maxReceiveCount) throw error;
      throw retryAfter(30 * 2 ** (attempt - 1), error);
    }
    deps.log('info', 'confirmation', { caseId: message.caseId, outcome, attempt });
  };
}
