import type { AuthConfig } from './config.ts';

/**
 * The clerk's session: the ID token (what the API's authorizer checks) in memory and in session
 * storage (a reload in the same tab keeps it; closing the tab ends it), never in local storage.
 * In AWS: Cognito managed login, authorization code with PKCE. Locally: the local stack's sign-in.
 */
export interface Session {
  idToken: string;
  sub: string;
  offices: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

const SESSION_KEY = 'egov-console.session';
const PKCE_KEY = 'egov-console.pkce';

let session: Session | undefined;

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  return new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The claims the console shows (the API verifies the token; the console only reads it). */
export function sessionOf(idToken: string): Session {
  const payload = JSON.parse(base64UrlDecode(idToken.split('.')[1] ?? '')) as Record<string, unknown>;
  const groups = payload['cognito:groups'];
  return {
    idToken,
    sub: String(payload['cognito:username'] ?? payload.sub ?? ''),
    offices: Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? groups.split(',') : [],
    expiresAt: Number(payload.exp ?? 0) * 1000,
  };
}

export function currentSession(): Session | undefined {
  if (!session) {
    const stored = sessionStorage.getItem(SESSION_KEY);
    if (stored) session = sessionOf(stored);
  }
  if (session && session.expiresAt <= Date.now()) return undefined;
  return session;
}

/** A session was started in this tab and has run out (rather than never begun). */
export function sessionExpired(): boolean {
  return currentSession() === undefined && sessionStorage.getItem(SESSION_KEY) !== null;
}

export function startSession(idToken: string): Session {
  session = sessionOf(idToken);
  sessionStorage.setItem(SESSION_KEY, idToken);
  return session;
}

export function endSession(): void {
  session = undefined;
  sessionStorage.removeItem(SESSION_KEY);
}

/** Local stack: the gateway mints a token of the local user pool for the chosen clerk. */
export async function signInLocally(apiUrl: string, sub: string, offices: string[]): Promise<Session> {
  const response = await fetch(`${apiUrl}/console/local-sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sub, offices }),
  });
  if (!response.ok) throw new Error(`sign-in: ${response.status}`);
  const { idToken } = (await response.json()) as { idToken: string };
  return startSession(idToken);
}

/** Cognito managed login: off to the hosted pages with a fresh PKCE verifier and state. */
export async function signInWithCognito(auth: Extract<AuthConfig, { kind: 'cognito' }>, language: string): Promise<void> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo: window.location.hash }));
  const url = new URL('/oauth2/authorize', auth.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    scope: 'openid email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    lang: language,
  }).toString();
  window.location.assign(url.toString());
}

/** Back from managed login (`?code=&state=`): trades the code for tokens; returns where the clerk was. */
export async function completeCognitoSignIn(auth: Extract<AuthConfig, { kind: 'cognito' }>): Promise<string | undefined> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (!code) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  window.history.replaceState(null, '', window.location.pathname + (pending?.returnTo ?? ''));
  if (!pending || params.get('state') !== pending.state) throw new Error('sign-in state mismatch');
  const response = await fetch(new URL('/oauth2/token', auth.domain), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code,
      redirect_uri: auth.redirectUri,
      code_verifier: pending.verifier,
    }).toString(),
  });
  if (!response.ok) throw new Error(`token: ${response.status}`);
  const tokens = (await response.json()) as { id_token: string };
  startSession(tokens.id_token);
  return pending.returnTo;
}

export function signOutUrl(auth: AuthConfig): string | undefined {
  if (auth.kind !== 'cognito') return undefined;
  const url = new URL('/logout', auth.domain);
  url.search = new URLSearchParams({ client_id: auth.clientId, logout_uri: auth.logoutUri }).toString();
  return url.toString();
}
