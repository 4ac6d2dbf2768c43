import { createCaseStore } from '#lib/cases/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createListEvents } from './listEvents.ts';

const config = readConfig(functions.listEvents.needs);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);

export const handler = httpRoute(
  createListEvents({
    cases: createCaseStore(dynamodb, config.CASES_TABLE, events),
    events,
    hmac: secretHmac(secretsManager, config.HMAC_SECRET_ID),
  }),
);
