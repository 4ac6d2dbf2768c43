import { createHash } from 'node:crypto';
import type { Language } from '#lib/http/language.ts';
import type { HttpResult } from '#lib/http/response.ts';
import type { SignInFailure } from './assertion.ts';

/**
 * The sign-in's HTML pages: the one that posts the AuthnRequest to BundID, and the one that says
 * why a sign-in failed. German and English side by side (the citizen comes from BundID, which
 * may have switched language); no external resources; the only script submits the form and is
 * allowed by its hash (SIGN_IN_PAGE_CSP), so the page works without it too (a button).
 */
const escape = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const AUTO_SUBMIT = 'document.forms[0].submit();';
/**
 * What the route's Content-Security-Policy changes for these pages: the one script by its hash,
 * forms may post (to BundID), the sandbox allows exactly that. No `upgrade-insecure-requests`: the
 * page loads nothing, and the local test IdP is plain http on 127.0.0.1 (settings.ts allows http
 * only there), where an upgrade would break the post.
 */
export const SIGN_IN_PAGE_CSP = {
  'script-src': `'sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}'`,
  'form-action': '*',
  'base-uri': "'none'",
  sandbox: 'allow-scripts allow-forms',
  'upgrade-insecure-requests': false,
} as const;

function page(statusCode: number, title: string, body: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', ...headers },
    body: `<!doctype html>\n<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head><body>${body}</body></html>\n`,
  };
}

/** The page that posts the signed AuthnRequest to BundID (HTTP-POST binding). */
export function postToIdentityProvider(ssoUrl: string, fields: Record<string, string>, headers: Record<string, string>): HttpResult {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('');
  return page(
    200,
    'Anmeldung mit BundID',
    `<main><h1>Anmeldung mit BundID</h1><p lang="en">Sign-in with BundID</p><form method="post" action="${escape(ssoUrl)}">${inputs}` +
      `<button type="submit">Weiter zu BundID <span lang="en">(continue to BundID)</span></button></form></main><script>${AUTO_SUBMIT}</script>`,
    headers,
  );
}

const FAILURES: Record<SignInFailure | 'bad-request', Record<Language, string>> = {
  'invalid-signature': { de: 'Die Antwort von BundID ist nicht gültig signiert.', en: 'The answer from BundID is not validly signed.' },
  'wrong-audience': { de: 'Die Antwort von BundID war nicht für diesen Dienst bestimmt.', en: 'The answer from BundID was meant for another service.' },
  expired: { de: 'Die Antwort von BundID ist abgelaufen.', en: 'The answer from BundID has expired.' },
  'wrong-issuer': { de: 'Die Antwort stammt nicht von BundID.', en: 'The answer does not come from BundID.' },
  'wrong-destination': { de: 'Die Antwort von BundID war an eine andere Adresse gerichtet.', en: 'The answer from BundID was addressed elsewhere.' },
  'unknown-request': {
    de: 'Zu dieser Antwort gibt es keine offene Anmeldung in diesem Browser (schon verwendet, abgelaufen oder in einem anderen Browser begonnen).',
    en: 'There is no open sign-in in this browser for this answer (already used, expired, or started in another browser).',
  },
  replayed: { de: 'Diese Antwort von BundID wurde bereits verwendet.', en: 'This answer from BundID has already been used.' },
  'insufficient-level': {
    de: 'Die Anmeldung erreicht nicht das Vertrauensniveau, das dieses Formular verlangt. Bitte melden Sie sich mit dem Online-Ausweis an.',
    en: 'The sign-in does not reach the trust level this form needs. Please sign in with the online ID card.',
  },
  incomplete: { de: 'BundID hat nicht alle nötigen Angaben übermittelt.', en: 'BundID did not send everything needed.' },
  cancelled: { de: 'Die Anmeldung bei BundID wurde abgebrochen oder abgelehnt.', en: 'The sign-in at BundID was cancelled or refused.' },
  'bad-request': { de: 'Die Anmeldung konnte nicht begonnen werden: die Anfrage ist fehlerhaft.', en: 'The sign-in could not start: the request is malformed.' },
};

/** The page of a failed sign-in: what failed, in German and English, and never a token. */
export function signInFailed(reason: SignInFailure | 'bad-request', statusCode = 400): HttpResult {
  const text = FAILURES[reason];
  return page(
    statusCode,
    'Anmeldung fehlgeschlagen',
    `<main><h1>Anmeldung fehlgeschlagen</h1><p data-reason="${reason}">${escape(text.de)}</p>` +
      `<h2 lang="en">Sign-in failed</h2><p lang="en">${escape(text.en)}</p></main>`,
  );
}
