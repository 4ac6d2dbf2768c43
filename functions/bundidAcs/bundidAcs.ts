import { acceptSignIn, SignInRefused } from '#lib/bundid/assertion.ts';
import { clearSignInCookie, signInCookieOf } from '#lib/bundid/cookie.ts';
import { signInFailed } from '#lib/bundid/pages.ts';
import { portalReturnUrl } from '#lib/bundid/returnTo.ts';
import type { SignInSettings } from '#lib/bundid/settings.ts';
import type { SignInStore } from '#lib/bundid/signIns.ts';
import type { CitizenTokens } from '#lib/bundid/token.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { HttpResult } from '#lib/http/response.ts';
import { logger } from '#lib/runtime/logger.ts';

export interface BundidAcsDeps {
  settings: () => SignInSettings | undefined;
  signIns: SignInStore;
  tokens: CitizenTokens;
  now?: () => Date;
}

/** The SAMLResponse field of the HTTP-POST binding's form body (application/x-www-form-urlencoded). */
function samlResponseOf(event: HttpEvent<unknown>): string | undefined {
  const raw = typeof event.body === 'string' ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  const values = new URLSearchParams(raw).getAll('SAMLResponse');
  return values.length === 1 && values[0] ? values[0] : undefined;
}

/**
 * POST /auth/bundid/acs: BundID's answer (HTTP-POST binding). Every check of assertion.ts must
 * hold; then the citizen goes back to the `returnTo` of the request this browser started, with a
 * citizen token in the URL fragment (never sent to a server, not in Referer). Anything else is a
 * page that says what failed, never a token. The browser's sign-in cookie is cleared either way.
 */
export function createBundidAcs(deps: BundidAcsDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const settings = deps.settings();
    if (!settings) throw new ProblemError('not-found');
    const clear = { 'Set-Cookie': clearSignInCookie() };
    const samlResponse = samlResponseOf(event);
    if (!samlResponse) return { ...signInFailed('bad-request'), headers: { ...signInFailed('bad-request').headers, ...clear } };
    try {
      const accepted = await acceptSignIn({ settings, signIns: deps.signIns, ...(deps.now ? { now: deps.now } : {}) }, samlResponse, signInCookieOf(event.headers.cookie));
      const { bpk2, ...identity } = accepted.identity;
      const token = await deps.tokens.issue({ ...identity, sub: await deps.tokens.subjectOf(bpk2) });
      // Checked when the request was stored; checked again, so that no stored value redirects elsewhere.
      const target = portalReturnUrl(settings, accepted.started.returnTo);
      if (!target) throw new SignInRefused('unknown-request');
      target.hash = `token=${token}`;
      // `trustLevel`, not `level`: Powertools reserves `level` (its own) and would drop it with a warning.
      logger.info('citizen signed in', { trustLevel: identity.level });
      return { statusCode: 303, headers: { Location: target.toString(), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', ...clear }, body: '' };
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      logger.warn('sign-in refused', { reason: error.reason });
      const page = signInFailed(error.reason, error.reason === 'insufficient-level' ? 403 : 400);
      return { ...page, headers: { ...page.headers, ...clear } };
    }
  };
}
