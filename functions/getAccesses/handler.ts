import { parseOfficeNames } from '#lib/audit/officeNames.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { createStatusLookup } from '#lib/status/lookup.ts';
import { statusTokens } from '#lib/status/token.ts';
import { functions } from '../functions.ts';
import { createGetAccesses } from './getAccesses.ts';

const config = readConfig(functions.getAccesses.needs);

export const handler = httpRoute(
  createGetAccesses({
    lookup: createStatusLookup(dynamodb, config.CASES_TABLE),
    tokens: statusTokens(secretHmac(secretsManager, config.HMAC_SECRET_ID)),
    events: createEventLog(dynamodb, config.EVENTS_TABLE),
    // The administration's office display names (its stage file, API.md *Administrations*).
    officeNames: parseOfficeNames(config.OFFICE_NAMES),
  }),
);
