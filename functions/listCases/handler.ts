import { createCaseList } from '#lib/cases/list.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createListCases } from './listCases.ts';

const config = readConfig(functions.listCases.needs);

export const handler = httpRoute(
  createListCases({ list: createCaseList(dynamodb, config.CASES_TABLE), hmac: secretHmac(secretsManager, config.HMAC_SECRET_ID) }),
);
