import { createAttachmentStore } from '#lib/attachments/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { citizenAccessFor } from '#lib/messages/citizenRoute.ts';
import { createMessageStore } from '#lib/messages/store.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createCitizenReply } from './citizenReply.ts';

const config = readConfig(functions.citizenReply.needs);

export const handler = httpRoute<unknown>(
  createCitizenReply({
    citizenCase: citizenAccessFor(config),
    messages: createMessageStore(dynamodb, config.CASE_PARTITIONS_TABLE),
    events: createEventLog(dynamodb, config.EVENTS_TABLE),
    attachments: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE),
    dynamodb,
    casesTable: config.CASE_PARTITIONS_TABLE,
    kms,
    messageKeyId: config.MESSAGE_KEY_ID,
  }),
  { jsonBody: true },
);
