import { createEventLog } from '#lib/cases/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { logger } from '#lib/runtime/logger.ts';
import { functions } from '../functions.ts';
import { createAcceptReply } from './acceptReply.ts';

const config = readConfig(functions.acceptReply.needs);

/** Stream target (cases table, new replies only): a case waiting for the citizen goes back to review. */
export const handler = createAcceptReply({
  cases: createCaseStore(dynamodb, config.CASES_TABLE, createEventLog(dynamodb, config.EVENTS_TABLE)),
  kms,
  caseKeyId: config.CASE_KEY_ID,
  warn: (message, fields) => logger.warn(message, fields),
});
