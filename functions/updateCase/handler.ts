import { createCaseStore } from '#lib/cases/store.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createUpdateCase } from './updateCase.ts';

const config = readConfig(functions.updateCase.needs);

export const handler = httpRoute<unknown>(
  createUpdateCase({
    cases: createCaseStore(dynamodb, config.CASES_TABLE, createEventLog(dynamodb, config.EVENTS_TABLE)),
    kms,
    caseKeyId: config.CASE_KEY_ID,
  }),
  { jsonBody: true },
);
