import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createEventLog } from '#lib/cases/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { readFormCatalogue } from '#lib/forms/reading.ts';
import { queueWorker } from '#lib/messaging/batch.ts';
import { QUEUES } from '#lib/messaging/queues.ts';
import { dynamodb, kms, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { logger } from '#lib/runtime/logger.ts';
import { createConfirmationClaims } from '#lib/status/confirmationClaim.ts';
import { readMailSettings, sesMailer } from '#lib/status/mailer.ts';
import { statusTokens } from '#lib/status/token.ts';
import { functions } from '../functions.ts';
import { createConfirmationAttempts } from './attempts.ts';
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

const handleOne = createConfirmationAttempts({
  confirm,
  maxReceiveCount,
  log: (level, message, fields) => logger[level](message, fields),
});

export const handler = queueWorker(handleOne, { sqs: new SQSClient({ maxAttempts: 3 }), queueUrl: config.CONFIRMATIONS_QUEUE_URL });
