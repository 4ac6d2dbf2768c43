import { createCaseStore } from '#lib/cases/store.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createGetCase } from './getCase.ts';

const config = readConfig(functions.getCase.needs);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);

export const handler = httpRoute(
  createGetCase({ cases: createCaseStore(dynamodb, config.CASES_TABLE, events), events, kms, caseKeyId: config.CASE_KEY_ID, attachmentKeyId: config.ATTACHMENT_KEY_ID, messageKeyId: config.MESSAGE_KEY_ID }),
);
