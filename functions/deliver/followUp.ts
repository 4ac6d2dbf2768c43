import type { KMSClient } from '@aws-sdk/client-kms';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, verifyStoredCase } from '#lib/cases/integrity.ts';
import type { LoadedCase } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import type { Destination } from '#lib/delivery/destinations.ts';
import type { FollowUpPayload, FollowUpType, MessageFileSource } from '#lib/delivery/payload.ts';
import type { DeliveryStateStore, DeliveryTarget } from '#lib/delivery/state.ts';
import { messageItemKey, type StoredMessage } from '#lib/messages/items.ts';
import { openMessages } from '#lib/messages/reading.ts';
import type { Attempt, DeliveryOutcome } from './deliver.ts';

export interface FollowUpDeps {
  deliveryState: DeliveryStateStore;
  events: Pick<EventLog, 'append'>;
  kms: KMSClient;
  caseKeyId: string;
  messageKeyId: string;
  messageFiles: MessageFileSource;
  now: () => Date;
  /** Who decrypts and delivers, in the audit trail (deliver.ts's DELIVERY_ACTOR). */
  actor: string;
  /** deliver.ts: encrypt, sign and POST; the answer's status. */
  send(destination: Destination, caseId: string, deliveryId: string, payload: unknown): Promise<number>;
  /** deliver.ts: the conditional settle, its one event, retry or the last attempt's failure. */
  conclude(
    target: DeliveryTarget & { messageId?: string },
    deliveryId: string,
    office: string,
    expiresAt: number,
    attempt: Attempt,
    status: number | undefined,
    reason: string,
  ): Promise<DeliveryOutcome>;
  reasonOf(error: unknown): string;
}

/** What reaches the destination after the case: the citizen's replies and the office's decision; requests and information do not. */
export function followUpTypeOf(message: Pick<StoredMessage, 'from' | 'kind'>): FollowUpType | undefined {
  if (message.from === 'citizen') return 'reply';
  return message.kind === 'decision' ? 'decision' : undefined;
}

/**
 * A follow-up delivery (docs/delivery.md, *Follow-up deliveries*): a reply or a decision, after its
 * case, to the same destination, in the same JWE, with its own delivery id. The state is claimed
 * and settled on the message's item (same attributes, same conditions as the case's), so copies
 * of the queue message deliver it once and record one `case.delivered` naming the message. It
 * waits for the case: while the case itself is not delivered, an attempt fails and is retried
 * like any failed attempt (the receiver never gets a reply to a case it does not know). The
 * message is opened only after the decryption is recorded (`case.viewed` naming the message).
 */
export function createFollowUp(deps: FollowUpDeps) {
  return async (stored: LoadedCase, messageId: string, destination: Destination, attempt: Attempt): Promise<DeliveryOutcome> => {
    const { summary, expiresAt, notes } = stored;
    const message = stored.messages.find((candidate) => candidate.messageId === messageId);
    if (!message) return { kind: 'skipped', reason: 'no-message' };
    const type = followUpTypeOf(message);
    if (!type) return { kind: 'skipped', reason: 'not-delivered' };
    const target = { caseId: summary.caseId, item: message.sk ?? messageItemKey(summary.caseId, messageId).sk!.S!, messageId };

    const deliveryId = await deps.deliveryState.claim(target);
    if (!deliveryId) return { kind: 'skipped', reason: 'settled' };

    let status: number | undefined;
    let reason: string;
    try {
      if (summary.delivery !== 'delivered') throw Object.assign(new Error('the case is not delivered yet'), { name: 'CaseNotDelivered' });
      // The case's summary goes out with the message: authenticated first (its MAC), as for the case.
      await withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), stored.envelope, (key) => verifyStoredCase(key, stored, notes));
      await deps.events.append(summary.caseId, { at: deps.now().toISOString(), type: 'case.viewed', actor: deps.actor, detail: messageId }, expiresAt);
      const [opened] = await openMessages(deps.kms, deps.messageKeyId, summary, [message]);
      const payload: FollowUpPayload = {
        type,
        caseId: summary.caseId,
        reference: summary.reference,
        formId: summary.formId,
        formVersion: summary.formVersion,
        office: summary.office,
        messageId,
        at: message.at,
        from: message.from,
        kind: message.kind,
        text: opened!.text,
        attachments: await deps.messageFiles(summary.caseId, opened!.attachments),
      };
      status = await deps.send(destination, summary.caseId, deliveryId, payload);
      reason = `HTTP ${status}`;
    } catch (error) {
      reason = deps.reasonOf(error);
    }
    return deps.conclude(target, deliveryId, summary.office, expiresAt, attempt, status, reason);
  };
}
