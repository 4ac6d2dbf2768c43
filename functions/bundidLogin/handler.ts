import { SIGN_IN_PAGE_CSP } from '#lib/bundid/pages.ts';
import { signInSettings } from '#lib/bundid/settings.ts';
import { createSignInStore } from '#lib/bundid/signIns.ts';
import { serviceProviderKey } from '#lib/bundid/spKey.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createBundidLogin } from './bundidLogin.ts';

const config = readConfig(functions.bundidLogin.needs);

export const handler = httpRoute(
  createBundidLogin({
    settings: signInSettings(config.BUNDID),
    signIns: createSignInStore(dynamodb, config.SIGN_INS_TABLE, secretHmac(secretsManager, config.HMAC_SECRET_ID)),
    privateKey: serviceProviderKey(secretsManager, config.BUNDID_SP_KEY_SECRET_ID),
  }),
  { contentSecurityPolicy: SIGN_IN_PAGE_CSP },
);
