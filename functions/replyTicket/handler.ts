import { s3 } from '#lib/attachments/s3.ts';
import { createAttachmentStore } from '#lib/attachments/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { citizenAccessFor } from '#lib/messages/citizenRoute.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createReplyTicket } from './replyTicket.ts';

const config = readConfig(functions.replyTicket.needs);

export const handler = httpRoute(
  createReplyTicket({
    citizenCase: citizenAccessFor(config),
    attachments: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE),
    kms,
    messageKeyId: config.MESSAGE_KEY_ID,
    s3,
    quarantineBucket: config.QUARANTINE_BUCKET,
  }),
  { jsonBody: true },
);
