import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { createEventLog } from '#lib/cases/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { readFormCatalogue } from '#lib/forms/reading.ts';
import { queueWorker, receiveCountOf, retryAfter } from '#lib/messaging/batch.ts';
import type { CaseMessage } from '#lib/messaging/message.ts';
import { QUEUES } from '#lib/messaging/queues.ts';
import { dynamodb, kms, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { logger } from '#lib/runtime/logger.ts';
import { createConfirmationClaims } from '#lib/status/confirmationClaim.ts';
import { readMailSettings, sesMailer } from '#lib/status/mailer.ts';
import { statusTokens } from '#lib/status/token.ts';
import { functions } from '../functions.ts';
import { createConfirmation } from './confirm.ts';

const config = readConfig(functions.confirm.needs);
const settings = readMailSettings(config.CONFIRMATION_MAIL);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);
const { maxReceiveCount } = QUEUES.confirmations;

const confirm = createConfirmation({
  cases: createCaseStore(dynamodb, config.CASES_TABLE, events),
  events,
  claims: createConfirmationClaims(dynamodb, config.CONFIRMATION_CASES_TABLE),
  kms,
  caseKeyId: config.CASE_KEY_ID,
  forms: readFormCatalogue(config.FORMS_DIR),
  tokens: statusTokens(secretHmac(secretsManager, config.HMAC_SECRET_ID)),
  mailer: sesMailer(new SESv2Client({ maxAttempts: 3 }), settings),
  statusPageUrl: settings.statusPageUrl,
});

/** One confirmation per message; a failure comes back with exponential backoff (30 s, 1 min, 2 min, ...). */
async function handleOne(message: CaseMessage, record: SQSRecord): Promise<void> {
  const attempt = receiveCountOf(record);
  try {
    const outcome = await confirm(message, { lastAttempt: attempt >= maxReceiveCount });
    logger.info('confirmation', { caseId: message.caseId, outcome, attempt });
  } catch (error) {
    logger.warn('confirmation failed', { caseId: message.caseId, attempt, error: error instanceof Error ? error.name : typeof error });
    if (attempt >= maxReceiveCount) throw error;
    throw retryAfter(30 * 2 ** (attempt - 1), error);
  }
}

export const handler = queueWorker(handleOne, { sqs: new SQSClient({ maxAttempts: 3 }), queueUrl: config.CONFIRMATIONS_QUEUE_URL });
