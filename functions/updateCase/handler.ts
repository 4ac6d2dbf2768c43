import { createCaseStore } from '../lib/caseStore.ts';
import { dynamodb, kms } from '../lib/clients.ts';
import { readConfig } from '../lib/config.ts';
import { createEventLog } from '../lib/eventLog.ts';
import { httpRoute } from '../lib/http/pipeline.ts';
import { createUpdateCase } from './updateCase.ts';

const config = readConfig(['CASES_TABLE', 'EVENTS_TABLE', 'CASE_KEY_ID']);

export const handler = httpRoute<unknown>(
  createUpdateCase({
    cases: createCaseStore(dynamodb, config.CASES_TABLE, createEventLog(dynamodb, config.EVENTS_TABLE)),
    kms,
    caseKeyId: config.CASE_KEY_ID,
  }),
  { jsonBody: true },
);
