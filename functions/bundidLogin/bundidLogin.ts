import { randomBytes, type KeyObject } from 'node:crypto';
import { authnRequestFields } from '#lib/bundid/authnRequest.ts';
import { setSignInCookie } from '#lib/bundid/cookie.ts';
import { TRUST_LEVELS } from '#lib/bundid/levels.ts';
import { postToIdentityProvider, signInFailed } from '#lib/bundid/pages.ts';
import { portalReturnUrl } from '#lib/bundid/returnTo.ts';
import type { SignInSettings } from '#lib/bundid/settings.ts';
import type { SignInStore } from '#lib/bundid/signIns.ts';
import { SIGN_IN_REQUEST_TTL_SECONDS } from '#lib/bundid/tables.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { HttpResult } from '#lib/http/response.ts';

export interface BundidLoginDeps {
  /** Undefined: the stage has no BundID registration, the route answers 404. */
  settings: () => SignInSettings | undefined;
  signIns: SignInStore;
  /** The service provider's signing key, parsed (spKey.ts). */
  privateKey: () => Promise<KeyObject>;
}

/**
 * GET /auth/bundid/login?level=&returnTo=: starts a sign-in. The request (its id, the level asked
 * for, where to return) is stored bound to a fresh random cookie of this browser; the page posts
 * the signed AuthnRequest to BundID (HTTP-POST binding). A bad level or a `returnTo` outside the
 * portal is a page that says so, and nothing is stored.
 */
export function createBundidLogin(deps: BundidLoginDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const settings = deps.settings();
    if (!settings) throw new ProblemError('not-found');
    const query = event.queryStringParameters ?? {};
    const level = TRUST_LEVELS.find((candidate) => candidate === query.level);
    const returnUrl = portalReturnUrl(settings, query.returnTo ?? undefined);
    if (!level || !returnUrl) return signInFailed('bad-request');

    const requestId = `_${randomBytes(20).toString('hex')}`;
    const browser = randomBytes(32).toString('base64url');
    const [fields] = await Promise.all([
      deps.privateKey().then((key) => authnRequestFields(settings, key, requestId, level)),
      deps.signIns.start(requestId, browser, { level, returnTo: `${returnUrl.pathname}${returnUrl.search}` }),
    ]);
    return postToIdentityProvider(settings.idp.ssoUrl, fields, { 'Set-Cookie': setSignInCookie(browser, SIGN_IN_REQUEST_TTL_SECONDS) });
  };
}
