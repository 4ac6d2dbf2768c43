import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createCaseStore } from '#lib/cases/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { loadDestinations } from '#lib/delivery/destinations.ts';
import { createSigningSecrets } from '#lib/delivery/secrets.ts';
import { createVaultAttachments, withContents } from '#lib/delivery/vaultAttachments.ts';
import { s3 } from '#lib/attachments/s3.ts';
import { createDeliveryState } from '#lib/delivery/state.ts';
import { queueWorker, receiveCountOf, retryAfter } from '#lib/messaging/batch.ts';
import { caseMessageBody } from '#lib/messaging/message.ts';
import { dynamodb, kms, secretsManager, sqs } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createDeliver } from './deliver.ts';

const config = readConfig(functions.deliver.needs);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);

const deliver = createDeliver({
  cases: createCaseStore(dynamodb, config.DELIVERY_CASES_TABLE, events),
  deliveryState: createDeliveryState(dynamodb, config.DELIVERY_CASES_TABLE, events),
  events,
  kms,
  caseKeyId: config.CASE_KEY_ID,
  destinations: loadDestinations(config.DESTINATIONS_FILE),
  signingSecrets: createSigningSecrets(secretsManager),
  attachments: createVaultAttachments({ kms, attachmentKeyId: config.ATTACHMENT_KEY_ID, s3, vaultBucket: config.VAULT_BUCKET }),
  followUps: {
    messageKeyId: config.MESSAGE_KEY_ID,
    messageFiles: (caseId, files) => withContents({ s3, vaultBucket: config.VAULT_BUCKET }, caseId, files),
  },
});

/**
 * The deliveries queue's worker: one case (or one follow-up: a reply, a decision) per message. A failed attempt comes back after the
 * backoff delay; once the retry period is over (case.delivery_failed recorded) the worker puts the
 * message on the dead-letter queue itself, for `npm run delivery -- redrive`, and lets it go.
 */
export const handler = queueWorker(
  async ({ caseId, messageId }, record) => {
    const firstReceivedAt = Number(record.attributes.ApproximateFirstReceiveTimestamp) || Date.now();
    const outcome = await deliver(caseId, { receiveCount: receiveCountOf(record), firstReceivedAt }, messageId);
    if (outcome.kind === 'retry') throw retryAfter(outcome.afterSeconds);
    if (outcome.kind === 'failed') {
      await sqs.send(new SendMessageCommand({ QueueUrl: config.DELIVERIES_DEAD_LETTER_QUEUE_URL, MessageBody: caseMessageBody(caseId, messageId) }));
    }
  },
  { sqs, queueUrl: config.DELIVERIES_QUEUE_URL },
);
