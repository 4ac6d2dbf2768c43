import { createEventLog } from '#lib/cases/events.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { createStatusLookup } from '#lib/status/lookup.ts';
import { statusTokens } from '#lib/status/token.ts';
import { functions } from '../functions.ts';
import { createGetStatus } from './getStatus.ts';

const config = readConfig(functions.getStatus.needs);

export const handler = httpRoute(
  createGetStatus({
    lookup: createStatusLookup(dynamodb, config.CASES_TABLE),
    tokens: statusTokens(secretHmac(secretsManager, config.HMAC_SECRET_ID)),
    events: createEventLog(dynamodb, config.EVENTS_TABLE),
  }),
);
