/**
 * The cookie that binds a sign-in to the browser that started it (signIns.ts): set by the login
 * page on the API's origin, sent back with BundID's POST to the ACS (a cross-site POST, hence
 * SameSite=None, which needs Secure), readable by no script (HttpOnly), and for this host only
 * (`__Host-`). Browsers treat http://127.0.0.1 as secure, so the local stack uses the same cookie.
 */
export const SIGN_IN_COOKIE = '__Host-bundid-sign-in';
const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=None';

export const setSignInCookie = (value: string, maxAgeSeconds: number): string => `${SIGN_IN_COOKIE}=${value}; Max-Age=${maxAgeSeconds}; ${ATTRIBUTES}`;
export const clearSignInCookie = (): string => `${SIGN_IN_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;

/** The cookie's value in a Cookie header, if it is there once and well-formed. */
export function signInCookieOf(header: string | undefined): string | undefined {
  const values = (header ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${SIGN_IN_COOKIE}=`))
    .map((pair) => pair.slice(SIGN_IN_COOKIE.length + 1));
  return values.length === 1 && /^[A-Za-z0-9_-]{43}$/.test(values[0] ?? '') ? values[0] : undefined;
}
