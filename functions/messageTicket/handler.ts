import { s3 } from '#lib/attachments/s3.ts';
import { createAttachmentStore } from '#lib/attachments/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createMessageTicket } from './messageTicket.ts';

const config = readConfig(functions.messageTicket.needs);

export const handler = httpRoute(
  createMessageTicket({
    // The store reads the case item only (no events are written here).
    cases: createCaseStore(dynamodb, config.CASES_TABLE, createEventLog(dynamodb, '')),
    attachments: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE),
    kms,
    messageKeyId: config.MESSAGE_KEY_ID,
    s3,
    quarantineBucket: config.QUARANTINE_BUCKET,
  }),
  { jsonBody: true },
);
