import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { signedResponse, type ResponseOptions, type TestIdentity } from '../../infra/local/bundidResponses.ts';
import { TEST_IDENTITIES } from '../../infra/local/bundidIdp.ts';
import type { SignInSettings } from '../../functions/lib/bundid/settings.ts';
import type { TrustLevel } from '../../functions/lib/bundid/levels.ts';
import { stackInfo } from './api.ts';
import { formOf } from './forms.ts';
import { plantMarkers } from './markers.ts';

/**
 * Sign-ins against the running local stack without a browser: start one at the login route (its
 * cookie and the AuthnRequest's id), answer it as the test IdP would (or as an attacker would,
 * with the IdP's own key), post the answer to the ACS.
 */
export const identityAt = (level: TrustLevel): TestIdentity => TEST_IDENTITIES.find((identity) => identity.level === level)!;

export function localSignInSettings(): SignInSettings {
  return JSON.parse(readFileSync(join(stackInfo().dataDir, 'bundid', 'settings.json'), 'utf8')) as SignInSettings;
}

export function idpKey(): ResponseOptions['key'] {
  const dir = join(stackInfo().dataDir, 'bundid');
  return { privateKey: createPrivateKey(readFileSync(join(dir, 'idp.key.pem'), 'utf8')), certificate: readFileSync(join(dir, 'idp.cert.pem'), 'utf8') };
}

export interface StartedLogin {
  status: number;
  html: string;
  /** `name=value` of the sign-in cookie, for the ACS. */
  cookie: string | undefined;
  setCookie: string | null;
  requestId: string | undefined;
  authnRequestXml: string | undefined;
}

export async function startLogin(level: string, returnTo = '/portal/forms/wohngeld'): Promise<StartedLogin> {
  const response = await fetch(`${stackInfo().apiUrl}/auth/bundid/login?${new URLSearchParams({ level, returnTo })}`);
  const html = await response.text();
  const setCookie = response.headers.get('set-cookie');
  const field = /name="SAMLRequest" value="([^"]+)"/.exec(html)?.[1];
  const authnRequestXml = field ? Buffer.from(field, 'base64').toString('utf8') : undefined;
  const requestId = authnRequestXml ? (new DOMParser().parseFromString(authnRequestXml, 'text/xml').documentElement?.getAttribute('ID') ?? undefined) : undefined;
  return { status: response.status, html, setCookie, cookie: setCookie?.split(';')[0], requestId, authnRequestXml };
}

/** An IdP-signed answer to `requestId` for the local SP, with any option bent. */
export function answer(requestId: string, overrides: Partial<ResponseOptions> = {}): string {
  const settings = localSignInSettings();
  return signedResponse({
    identity: identityAt('substantial'),
    requestId,
    acsUrl: settings.sp.acsUrl,
    audience: settings.sp.entityId,
    issuer: settings.idp.entityId,
    key: idpKey(),
    ...overrides,
  });
}

export interface AcsAnswer {
  status: number;
  location: string | null;
  html: string;
  /** What the failure page names as the reason (`data-reason`). */
  reason: string | undefined;
  /** The citizen token in the redirect's fragment. */
  token: string | undefined;
}

export async function postAcs(samlResponse: string, cookie: string | undefined): Promise<AcsAnswer> {
  const response = await fetch(`${stackInfo().apiUrl}/auth/bundid/acs`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
  });
  const html = await response.text();
  const location = response.headers.get('location');
  return {
    status: response.status,
    location,
    html,
    reason: /data-reason="([^"]+)"/.exec(html)?.[1],
    token: location ? (new URLSearchParams(new URL(location).hash.slice(1)).get('token') ?? undefined) : undefined,
  };
}

/** A complete sign-in at `identityLevel` for a request of `requestedLevel`; the citizen token. */
export async function signIn(identityLevel: TrustLevel = 'substantial', requestedLevel: TrustLevel = identityLevel): Promise<string> {
  const login = await startLogin(requestedLevel);
  const acs = await postAcs(answer(login.requestId ?? '', { identity: identityAt(identityLevel) }), login.cookie);
  if (!acs.token) throw new Error(`sign-in failed: ${acs.status} ${acs.reason ?? acs.html.slice(0, 200)}`);
  return acs.token;
}

/**
 * What a submission of a form's latest version needs beyond its body: nothing, or, for a form
 * that needs sign-in, a citizen token at the form's level (signed in now, planted as a marker).
 */
export async function citizenHeadersFor(formId: string): Promise<Record<string, string>> {
  const level = formOf(formId).authentication?.level;
  if (!level) return {};
  const token = await signIn(level);
  plantMarkers([token]);
  return { Authorization: `Bearer ${token}` };
}
