import { signInSettings } from '#lib/bundid/settings.ts';
import { createSignInStore } from '#lib/bundid/signIns.ts';
import { citizenTokens } from '#lib/bundid/token.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createBundidAcs } from './bundidAcs.ts';

const config = readConfig(functions.bundidAcs.needs);
const hmac = secretHmac(secretsManager, config.HMAC_SECRET_ID);

export const handler = httpRoute(
  createBundidAcs({
    settings: signInSettings(config.BUNDID),
    signIns: createSignInStore(dynamodb, config.SIGN_INS_TABLE, hmac),
    tokens: citizenTokens(hmac),
  }),
);
