import { createAttachmentStore } from '#lib/attachments/store.ts';
import { s3 } from '#lib/attachments/s3.ts';
import { dynamodb } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { logger } from '#lib/runtime/logger.ts';
import { functions } from '../functions.ts';
import { createAttachmentVerdict } from './attachmentVerdict.ts';

const config = readConfig(functions.attachmentVerdict.needs);

const verdict = createAttachmentVerdict({
  attachments: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE),
  s3,
  quarantineBucket: config.QUARANTINE_BUCKET,
  vaultBucket: config.VAULT_BUCKET,
  log: (message, fields) => logger.info(message, fields),
});

/** EventBridge rule target: GuardDuty's scan result for an object of the quarantine bucket. */
export const handler = async (event: unknown): Promise<void> => {
  await verdict(event);
};
