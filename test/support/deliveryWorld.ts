import type { KMSClient } from '@aws-sdk/client-kms';
import type { DeliverDeps } from '../../functions/deliver/deliver.ts';
import type { CaseEvent } from '../../functions/lib/cases/model.ts';
import { DELIVERY_BACKOFF } from '../../functions/lib/delivery/backoff.ts';
import { parseDestinations } from '../../functions/lib/delivery/destinations.ts';
import { noAttachments } from '../../functions/lib/delivery/payload.ts';

/** The signing secret of the test destination. */
export const TEST_SIGNING_SECRET = 's'.repeat(64);

/**
 * What the delivery worker's unit tests share: events recorded into `events`, the case key of a
 * local KMS, one destination (`ordnungsamt`, loopback, the default backoff) for `publicJwk`, its
 * signing secret, no case files.
 */
export function deliveryBasics(options: { kms: KMSClient; keyArn: string; publicJwk: Record<string, unknown>; events: CaseEvent[] }) {
  return {
    events: {
      headForAppend: () => undefined,
      append: async (_caseId, event) => {
        options.events.push(event);
      },
    },
    kms: options.kms,
    caseKeyId: options.keyArn,
    destinations: parseDestinations({
      allowLoopbackHttp: true,
      backoff: DELIVERY_BACKOFF,
      destinations: { ordnungsamt: { url: 'http://127.0.0.1:9/inbox', publicKey: options.publicJwk, signingSecretId: 'egov-forms/delivery/ordnungsamt' } },
    }),
    signingSecrets: async () => TEST_SIGNING_SECRET,
    attachments: noAttachments,
  } satisfies Partial<DeliverDeps>;
}

/** Attempts as the worker sees them at `now`: number n of a message first received a minute ago, and one after the retry period (the last). */
export function attemptsAt(now: Date) {
  const attempt = (receiveCount: number, firstReceivedAt = now.getTime() - 60_000) => ({ receiveCount, firstReceivedAt });
  return { attempt, lastAttempt: attempt(14, now.getTime() - DELIVERY_BACKOFF.retrySeconds * 1000) };
}
