import { SignCommand } from '@aws-sdk/client-kms';
import { createCheckpointStore } from '#lib/audit/checkpointStore.ts';
import { readCheckpointSettings } from '#lib/audit/settings.ts';
import { eventsBetween } from '#lib/audit/timeIndex.ts';
import { s3 } from '#lib/attachments/s3.ts';
import { createWaitingUploads } from '#lib/attachments/waitingUploads.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { logger } from '#lib/runtime/logger.ts';
import { reportOverdueUploads } from '#lib/runtime/metrics.ts';
import { functions } from '../functions.ts';
import { createCheckpoint } from './checkpoint.ts';

const config = readConfig(functions.checkpoint.needs);
const settings = readCheckpointSettings(config.AUDIT_CHECKPOINTS);

const checkpoint = createCheckpoint({
  store: createCheckpointStore(s3, settings.bucket),
  eventsBetween: (from, to) => eventsBetween(dynamodb, settings.eventsTable, from, to),
  sign: async (message) => {
    const signed = await kms.send(new SignCommand({ KeyId: settings.keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    return Buffer.from(signed.Signature ?? new Uint8Array()).toString('base64');
  },
  keyId: settings.keyId,
  intervalMinutes: settings.intervalMinutes,
});

const waitingUploads = createWaitingUploads({ s3, quarantineBucket: config.WATCHED_QUARANTINE_BUCKET });

/** Two independent jobs on one schedule: either failing fails the run (and alarms), neither stops the other. */
export const handler = async (): Promise<void> => {
  const [sealed, uploads] = await Promise.allSettled([
    checkpoint().then((outcome) => logger.info('checkpoint', outcome)),
    waitingUploads().then((counted) => {
      reportOverdueUploads(counted.overdue);
      if (counted.overdue > 0) logger.error('uploads without verdict', { ...counted });
    }),
  ]);
  for (const settled of [sealed, uploads]) if (settled.status === 'rejected') throw settled.reason;
};
