import { createAttachmentStore } from '#lib/attachments/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createSendMessage } from './sendMessage.ts';

const config = readConfig(functions.sendMessage.needs);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);

export const handler = httpRoute<unknown>(
  createSendMessage({
    cases: createCaseStore(dynamodb, config.CASES_TABLE, events),
    events,
    attachments: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE),
    kms,
    caseKeyId: config.CASE_KEY_ID,
    messageKeyId: config.MESSAGE_KEY_ID,
    casesTable: config.CASES_TABLE,
  }),
  { jsonBody: true },
);
