import { apiBase } from './api.ts';
import { basePath } from './config.ts';

/**
 * The citizen's BundID sign-in as the portal keeps it (API.md, *Citizen sign-in*): the ACS sends the
 * browser back with the citizen token in the URL fragment (`#token=…`), which no server ever sees;
 * the portal takes it from there at once, removes it from the address bar and keeps it in this
 * tab's sessionStorage only, until it expires (≤ 30 minutes). The claims are decoded, not verified:
 * they only label the page and prefill fields; the server checks the token on every request.
 */
export type TrustLevel = 'low' | 'substantial' | 'high';
const LEVELS: readonly TrustLevel[] = ['low', 'substantial', 'high'];

export interface FormAuthentication {
  level: TrustLevel;
  /** Data pointer → BundID attribute name. */
  prefill?: Record<string, string>;
}

export interface CitizenClaims {
  level: TrustLevel;
  attributes: Record<string, string>;
  /** Seconds since the epoch. */
  exp: number;
}

const TOKEN_KEY = 'egov-portal.citizen-token';

/** The claims of a JWT, decoded without verification; undefined for anything that is no citizen token. */
export function claimsOf(token: string): CitizenClaims | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as Partial<CitizenClaims>;
    if (!LEVELS.includes(claims.level as TrustLevel) || typeof claims.exp !== 'number') return undefined;
    const attributes = typeof claims.attributes === 'object' && claims.attributes !== null ? claims.attributes : {};
    return { level: claims.level!, exp: claims.exp, attributes };
  } catch {
    return undefined;
  }
}

/** Whether a sign-in at `achieved` is good enough for a form that needs `required`. */
export const satisfies = (achieved: TrustLevel, required: TrustLevel): boolean => LEVELS.indexOf(achieved) >= LEVELS.indexOf(required);

/**
 * Takes a citizen token out of the fragment (the ACS's redirect), keeps it in the tab, and removes
 * it from the address bar and the history. Call before anything renders; not for the status page,
 * whose `#token=` is the status token.
 */
export function takeTokenFromFragment(): void {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  if (!token) return;
  if (claimsOf(token)) sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
}

export type SignInState = { state: 'none' } | { state: 'expired' } | { state: 'signed-in'; token: string; claims: CitizenClaims };

/** The sign-in of this tab: none, expired, or valid (for at least `marginSeconds` more). */
export function signInState(marginSeconds = 0): SignInState {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return { state: 'none' };
  const claims = claimsOf(token);
  if (!claims) return { state: 'none' };
  if (claims.exp * 1000 <= Date.now() + marginSeconds * 1000) return { state: 'expired' };
  return { state: 'signed-in', token, claims };
}

/** Forgets the sign-in of this tab (the server refused it). */
export const forgetSignIn = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** The forms of this page that need a sign-in: only their requests carry the citizen token. */
const signedForms = new Set<string>();
export const formNeedsSignIn = (formId: string): void => {
  signedForms.add(formId);
};

/** `Authorization` for a request of a form that needs sign-in, when the tab holds a valid token. */
export function authorizationFor(formId: string): Record<string, string> {
  const current = signInState();
  return signedForms.has(formId) && current.state === 'signed-in' ? { Authorization: `Bearer ${current.token}` } : {};
}

/** `Authorization` with the tab's citizen token, if it holds a valid one. */
export function citizenAuthorization(): Record<string, string> {
  const current = signInState();
  return current.state === 'signed-in' ? { Authorization: `Bearer ${current.token}` } : {};
}

/** The login route: BundID at `level`, then back to `path` (below the portal's base). */
export const signInUrl = (level: TrustLevel, path: string): string =>
  `${apiBase()}/auth/bundid/login?${new URLSearchParams({ level, returnTo: `${basePath()}${path}` }).toString()}`;
