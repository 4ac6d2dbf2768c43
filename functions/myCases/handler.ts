import { citizenTokens } from '#lib/bundid/token.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createMyCases } from './myCases.ts';

const config = readConfig(functions.myCases.needs);

export const handler = httpRoute(
  createMyCases({ ddb: dynamodb, casesTable: config.CASES_TABLE, tokens: citizenTokens(secretHmac(secretsManager, config.HMAC_SECRET_ID)) }),
);
