import type { KMSClient } from '@aws-sdk/client-kms';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, verifyStoredCase } from '#lib/cases/integrity.ts';
import { openIdentity } from '#lib/cases/identity.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import { checkedAddress, type Resolver } from '#lib/delivery/addresses.ts';
import { delaySeconds } from '#lib/delivery/backoff.ts';
import type { Destination, DestinationsConfig } from '#lib/delivery/destinations.ts';
import { encryptFor } from '#lib/delivery/jwe.ts';
import { buildPayload, type AttachmentSource, type MessageFileSource } from '#lib/delivery/payload.ts';
import { post as postOverHttp } from '#lib/delivery/post.ts';
import { HEADERS, sign } from '#lib/delivery/signature.ts';
import type { DeliveryStateStore, DeliveryTarget } from '#lib/delivery/state.ts';
import { createFollowUp } from './followUp.ts';
import type { SigningSecrets } from '#lib/delivery/secrets.ts';
import { logger } from '#lib/runtime/logger.ts';

/** Who decrypts and delivers, in the audit trail. */
export const DELIVERY_ACTOR = 'system:delivery';

export interface DeliverDeps {
  cases: Pick<CaseStore, 'load'>;
  deliveryState: DeliveryStateStore;
  events: Pick<EventLog, 'append' | 'headForAppend'>;
  kms: KMSClient;
  caseKeyId: string;
  destinations: DestinationsConfig;
  signingSecrets: SigningSecrets;
  attachments: AttachmentSource;
  /**
   * What follow-up deliveries (replies, decisions) need beyond the case's: the case key's message
   * context to open the message, and its files' bytes from the vault, checked. The handler always
   * wires it; a worker without it (a benchmark of first deliveries) refuses follow-ups.
   */
  followUps?: { messageKeyId: string; messageFiles: MessageFileSource };
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
  | { kind: 'skipped'; reason: 'no-destination' | 'no-case' | 'settled' | 'no-message' | 'not-delivered' }
  | { kind: 'retry'; afterSeconds: number; reason: string }
  /** The last attempt failed: recorded as case.delivery_failed; the message goes to the dead-letter queue. */
  | { kind: 'failed'; reason: string };

/**
 * Delivers one case to its office's destination (API.md, "Delivery to back-office systems"): load,
 * mark pending, decrypt (recorded as an event before anything leaves), encrypt to the destination's
 * key, sign, POST; a 2xx is recorded as case.delivered. A failed attempt asks for a retry after the
 * backoff delay; the last one records case.delivery_failed and `delivery: "failed"`.
 * With a message id it is a follow-up delivery (followUp.ts): the citizen's reply or the office's
 * decision, on the same path, its state on the message's item, its events naming the message.
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

  /** Encrypts a payload to the destination, signs it and POSTs it: the answer's status, or why there is none. */
  async function send(destination: Destination, caseId: string, deliveryId: string, payload: unknown): Promise<number> {
    const body = await encryptFor(destination.publicKey, Buffer.from(JSON.stringify(payload), 'utf8'));
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const secret = await deps.signingSecrets(destination.signingSecretId);
    const address = await checkedAddress(destination.url, deps.destinations.policy, deps.resolve);
    const { status } = await post(destination.url, address, {
      'Content-Type': 'application/jose',
      [HEADERS.deliveryId]: deliveryId,
      [HEADERS.caseId]: caseId,
      [HEADERS.timestamp]: timestamp,
      [HEADERS.signature]: sign(secret, timestamp, body),
    }, body);
    return status;
  }

  /**
   * The outcome of an attempt. Copies of a message (SQS delivers at least once) may attempt the same
   * delivery at once: the settle is conditional on the delivery still being this pending one, and
   * only the copy whose settle won records the outcome, so there is one case.delivered (or
   * case.delivery_failed) per delivery; a follow-up's name its message (`detail`).
   */
  async function conclude(target: DeliveryTarget & { messageId?: string }, deliveryId: string, office: string, expiresAt: number, attempt: Attempt, status: number | undefined, reason: string): Promise<DeliveryOutcome> {
    const { caseId, messageId } = target;
    const detail = messageId === undefined ? {} : { detail: messageId };
    const { receiveCount } = attempt;
    if (status !== undefined && status >= 200 && status < 300) {
      // Copies of a message (SQS delivers at least once) may attempt the same delivery at once: the
      // settle is conditional on the delivery still being this pending one, and only the copy whose
      // settle won records the outcome, so there is one case.delivered (or case.delivery_failed).
      // The settle and its event are one transaction (state.ts): a won settle is always on record.
      const delivered = { at: now().toISOString(), type: 'case.delivered', actor: DELIVERY_ACTOR, ...detail } as const;
      if (!(await deps.deliveryState.settle(target, deliveryId, 'delivered', delivered, expiresAt))) return { kind: 'skipped', reason: 'settled' };
      logger.info('case delivered', { caseId, messageId, deliveryId, office, receiveCount });
      return { kind: 'delivered', deliveryId };
    }
    if (isLast(attempt)) {
      const failed = { at: now().toISOString(), type: 'case.delivery_failed', actor: DELIVERY_ACTOR, ...detail } as const;
      if (!(await deps.deliveryState.settle(target, deliveryId, 'failed', failed, expiresAt))) return { kind: 'skipped', reason: 'settled' };
      logger.error('delivery failed for good', { caseId, messageId, deliveryId, office, receiveCount, reason });
      return { kind: 'failed', reason };
    }
    const afterSeconds = delaySeconds(deps.destinations.backoff, receiveCount);
    logger.warn('delivery attempt failed', { caseId, messageId, deliveryId, office, receiveCount, reason, afterSeconds });
    return { kind: 'retry', afterSeconds, reason };
  }

  /** Names only: an error's message may quote what it was working on. */
  const reasonOf = (error: unknown): string => (error instanceof Error ? error.name : 'unknown error');

  const followUp = deps.followUps && createFollowUp({ ...deps, ...deps.followUps, now, actor: DELIVERY_ACTOR, send, conclude, reasonOf });

  return async (caseId: string, attempt: Attempt, messageId?: string): Promise<DeliveryOutcome> => {
    const stored = await deps.cases.load(caseId);
    if (!stored) return { kind: 'skipped', reason: 'no-case' };
    const { summary, envelope, notes, files, expiresAt } = stored;
    const destination = deps.destinations.destinations.get(summary.office);
    if (!destination) return { kind: 'skipped', reason: 'no-destination' };
    if (messageId !== undefined) {
      if (!followUp) throw new Error('this worker is not wired for follow-up deliveries');
      return followUp(stored, messageId, destination, attempt);
    }

    // The chain's head is read beside the claim, so that recording the decryption costs one write.
    const headRead = deps.events.headForAppend(caseId);
    headRead?.catch(() => undefined);
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
      await deps.events.append(caseId, { at: now().toISOString(), type: 'case.viewed', actor: DELIVERY_ACTOR }, expiresAt, headRead);

      const payload = buildPayload(summary, data, await deps.attachments(summary, files), authentication);
      status = await send(destination, caseId, deliveryId, payload);
      reason = `HTTP ${status}`;
    } catch (error) {
      reason = reasonOf(error);
    }
    return conclude({ caseId }, deliveryId, summary.office, expiresAt, attempt, status, reason);
  };
}

export type Deliver = ReturnType<typeof createDeliver>;
