import type { KMSClient } from '@aws-sdk/client-kms';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, verifyStoredCase } from '#lib/cases/integrity.ts';
import { openIdentity } from '#lib/cases/identity.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import { checkedAddress, type Resolver } from '#lib/delivery/addresses.ts';
import { delaySeconds } from '#lib/delivery/backoff.ts';
import type { DestinationsConfig } from '#lib/delivery/destinations.ts';
import { encryptFor } from '#lib/delivery/jwe.ts';
import { buildPayload, type AttachmentSource } from '#lib/delivery/payload.ts';
import { post as postOverHttp } from '#lib/delivery/post.ts';
import { HEADERS, sign } from '#lib/delivery/signature.ts';
import type { DeliveryStateStore } from '#lib/delivery/state.ts';
import type { SigningSecrets } from '#lib/delivery/secrets.ts';
import { logger } from '#lib/runtime/logger.ts';

/** Who decrypts and delivers, in the audit trail. */
export const DELIVERY_ACTOR = 'system:delivery';

export interface DeliverDeps {
  cases: Pick<CaseStore, 'load'>;
  deliveryState: DeliveryStateStore;
  events: Pick<EventLog, 'append'>;
  kms: KMSClient;
  caseKeyId: string;
  destinations: DestinationsConfig;
  signingSecrets: SigningSecrets;
  attachments: AttachmentSource;
  resolve?: Resolver;
  post?: typeof postOverHttp;
  now?: () => Date;
}

/** Which attempt this is: the queue's receive count and when the message was first received (epoch ms). */
export interface Attempt {
  readonly receiveCount: number;
  readonly firstReceivedAt: number;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; deliveryId: string }
  /** The office has no destination, or the case is gone or delivered already: nothing to do. */
  | { kind: 'skipped'; reason: 'no-destination' | 'no-case' | 'settled' }
  | { kind: 'retry'; afterSeconds: number; reason: string }
  /** The last attempt failed: recorded as case.delivery_failed; the message goes to the dead-letter queue. */
  | { kind: 'failed'; reason: string };

/**
 * Delivers one case to its office's destination (API.md, "Delivery to back-office systems"): load,
 * mark pending, decrypt (recorded as an event before anything leaves), encrypt to the destination's
 * key, sign, POST; a 2xx is recorded as case.delivered. A failed attempt asks for a retry after the
 * backoff delay; the last one records case.delivery_failed and `delivery: "failed"`.
 */
export function createDeliver(deps: DeliverDeps) {
  const now = deps.now ?? (() => new Date());
  const post = deps.post ?? postOverHttp;

  /**
   * An attempt is the last when the retry period (DestinationsConfig.backoff.retrySeconds, from the
   * first receive) is over: by time, never by receive count (approximate in SQS, doubled locally);
   * the queue's redrive limit leaves room for every attempt of the period (messaging/queues.ts).
   */
  const isLast = ({ firstReceivedAt }: Attempt): boolean => now().getTime() - firstReceivedAt >= deps.destinations.backoff.retrySeconds * 1000;

  return async (caseId: string, attempt: Attempt): Promise<DeliveryOutcome> => {
    const { receiveCount } = attempt;
    const stored = await deps.cases.load(caseId);
    if (!stored) return { kind: 'skipped', reason: 'no-case' };
    const { summary, envelope, notes, files, expiresAt } = stored;
    const destination = deps.destinations.destinations.get(summary.office);
    if (!destination) return { kind: 'skipped', reason: 'no-destination' };

    const deliveryId = await deps.deliveryState.claim(caseId);
    if (!deliveryId) return { kind: 'skipped', reason: 'settled' };

    let status: number | undefined;
    let reason: string;
    try {
      const { data, authentication } = await withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
        verifyStoredCase(key, stored, notes);
        return { data: JSON.parse(key.open('data', envelope).toString('utf8')) as unknown, authentication: openIdentity(key, stored.identity) };
      });
      // The decryption is on record before the plaintext leaves this function (encrypted or not),
      // and before the file names are decrypted and the files read.
      await deps.events.append(caseId, { at: now().toISOString(), type: 'case.viewed', actor: DELIVERY_ACTOR }, expiresAt);

      const payload = buildPayload(summary, data, await deps.attachments(summary, files), authentication);
      const body = await encryptFor(destination.publicKey, Buffer.from(JSON.stringify(payload), 'utf8'));
      const timestamp = String(Math.floor(now().getTime() / 1000));
      const secret = await deps.signingSecrets(destination.signingSecretId);
      const address = await checkedAddress(destination.url, deps.destinations.policy, deps.resolve);
      ({ status } = await post(destination.url, address, {
        'Content-Type': 'application/jose',
        [HEADERS.deliveryId]: deliveryId,
        [HEADERS.caseId]: caseId,
        [HEADERS.timestamp]: timestamp,
        [HEADERS.signature]: sign(secret, timestamp, body),
      }, body));
      reason = `HTTP ${status}`;
    } catch (error) {
      // Names only: an error's message may quote what it was working on.
      reason = error instanceof Error ? error.name : 'unknown error';
    }

    // Copies of a message (SQS delivers at least once) may attempt the same delivery at once: the
    // settle is conditional on the delivery still being this pending one, and only the copy whose
    // settle won records the outcome, so there is one case.delivered (or case.delivery_failed).
    // The settle and its event are one transaction (state.ts): a won settle is always on record.
    if (status !== undefined && status >= 200 && status < 300) {
      const delivered = { at: now().toISOString(), type: 'case.delivered', actor: DELIVERY_ACTOR } as const;
      if (!(await deps.deliveryState.settle(caseId, deliveryId, 'delivered', delivered, expiresAt))) return { kind: 'skipped', reason: 'settled' };
      logger.info('case delivered', { caseId, deliveryId, office: summary.office, receiveCount });
      return { kind: 'delivered', deliveryId };
    }
    if (isLast(attempt)) {
      const failed = { at: now().toISOString(), type: 'case.delivery_failed', actor: DELIVERY_ACTOR } as const;
      if (!(await deps.deliveryState.settle(caseId, deliveryId, 'failed', failed, expiresAt))) return { kind: 'skipped', reason: 'settled' };
      logger.error('delivery failed for good', { caseId, deliveryId, office: summary.office, receiveCount, reason });
      return { kind: 'failed', reason };
    }
    const afterSeconds = delaySeconds(deps.destinations.backoff, receiveCount);
    logger.warn('delivery attempt failed', { caseId, deliveryId, office: summary.office, receiveCount, reason, afterSeconds });
    return { kind: 'retry', afterSeconds, reason };
  };
}

export type Deliver = ReturnType<typeof createDeliver>;
