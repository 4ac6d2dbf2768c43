import { createCaseStore } from '#lib/cases/store.ts';
import { dynamodb, kms, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { loadShippedForms } from '#lib/forms/shipped.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createIdempotencyStore } from '#lib/submissions/idempotency.ts';
import { createAttachmentStore } from '#lib/attachments/store.ts';
import { statusTokens } from '#lib/status/token.ts';
import { citizenTokens } from '#lib/bundid/token.ts';
import { createSubmit } from './submit.ts';

const config = readConfig(functions.submit.needs);
const hmac = secretHmac(secretsManager, config.HMAC_SECRET_ID);
// The definitions the build checked, with their validators generated as standalone code at build
// time (infra/formsBuild.ts): a cold start compiles no schema and loads no Ajv compiler.
const { forms, validator } = await loadShippedForms(config.FORMS_DIR);

export const handler = httpRoute(
  createSubmit({
    forms,
    validator,
    kms,
    caseKeyId: config.CASE_KEY_ID,
    cases: createCaseStore(dynamodb, config.CASES_TABLE, createEventLog(dynamodb, config.EVENTS_TABLE)),
    attachments: { store: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE), casesTable: config.CASES_TABLE },
    idempotency: createIdempotencyStore(dynamodb, config.IDEMPOTENCY_TABLE, hmac),
    statusTokens: statusTokens(hmac),
    citizenTokens: citizenTokens(hmac),
  }),
  { jsonBody: true },
);
