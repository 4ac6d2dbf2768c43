import type * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The sign-in settings of a stage (functions with the `bundid` need read them from the JSON file
 * `BUNDID` names, shipped in their bundle; certificates make them too large for the environment): BundID's identity provider as its metadata names it, this service provider, where a
 * sign-in may return to, and what BundID shows the citizen. The SP's private key is not here: it is
 * a Secrets Manager secret (`BUNDID_SP_KEY_SECRET_ID`, the `bundidKey` need), read on first use.
 * `off`: the stage has no BundID registration; the sign-in routes answer 404 and forms that need
 * sign-in cannot be submitted.
 */
export interface SignInSettings {
  idp: {
    /** The `entityID` of BundID's metadata: every assertion's issuer must be exactly this. */
    entityId: string;
    /** The SingleSignOnService location for the HTTP-POST binding. */
    ssoUrl: string;
    /** The signing certificates of BundID's metadata (more than one while BundID rolls its key). */
    certificates: string[];
  };
  sp: {
    /** Our entity id as registered with BundID: the audience every assertion must name. */
    entityId: string;
    /** Our AssertionConsumerService: the destination and recipient every response must name. */
    acsUrl: string;
    /** The certificate of that key, published in our metadata. */
    certificate: string;
  };
  /** The portal: `returnTo` must be a path under it; the citizen token goes to it in the fragment. */
  portalUrl: string;
  /** What BundID shows the citizen (akdb DisplayInformation). */
  display: { organisationName: string; onlineServiceId: string };
}

export const SIGN_IN_OFF = 'off';

/**
 * The checks of the settings file, by hand: zod is not loaded at a sign-in function's cold start.
 * The synth and the local stack write the file after checking it with the zod shape
 * (settingsShape.ts); test/unit/bundid/settings.test.ts holds the two to agreeing (what they take,
 * and what they make of it: zod's URL check trims and drops tabs and line breaks).
 */
class InvalidSettings extends Error {}

const refuse = (path: string, expected: string): never => {
  throw new InvalidSettings(`BundID settings: ${path}: ${expected}`);
};

function objectAt(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse(path, 'an object');
  const unknown = Object.keys(value).filter((key) => !keys.includes(key));
  if (unknown.length > 0) refuse(path, `unknown keys ${unknown.join(', ')}`);
  return value as Record<string, unknown>;
}

function textAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) return refuse(path, 'a non-empty string');
  return value;
}

const pemOf = (label: string) => new RegExp(`^-----BEGIN ${label}-----\\r?\\n[A-Za-z0-9+/=\\r\\n]+-----END ${label}-----\\s*$`);
const CERTIFICATE = pemOf('CERTIFICATE');

function certificateAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || !CERTIFICATE.test(value)) return refuse(path, 'a PEM CERTIFICATE');
  return value;
}

const LOOPBACK_HTTP = /^http:\/\/127\.0\.0\.1(:\d+)?\//;

/** An https URL (http only on 127.0.0.1), as zod's `z.url()` reads it: trimmed, without tabs and line breaks. */
function urlAt(value: unknown, path: string): string {
  if (typeof value !== 'string') return refuse(path, 'a URL');
  const trimmed = value.trim();
  if (!URL.canParse(trimmed)) return refuse(path, 'a URL');
  const url = trimmed.replace(/[\t\n\r]/g, '');
  if (!url.startsWith('https://') && !LOOPBACK_HTTP.test(url)) refuse(path, 'an https URL (http only on 127.0.0.1)');
  return url;
}

/** The settings in a parsed settings file; throws naming the first setting that is not as it must be. */
export function signInSettingsOf(value: unknown): SignInSettings {
  const settings = objectAt(value, '(file)', ['idp', 'sp', 'portalUrl', 'display']);
  const idp = objectAt(settings.idp, 'idp', ['entityId', 'ssoUrl', 'certificates']);
  const sp = objectAt(settings.sp, 'sp', ['entityId', 'acsUrl', 'certificate']);
  const display = objectAt(settings.display, 'display', ['organisationName', 'onlineServiceId']);
  if (!Array.isArray(idp.certificates) || idp.certificates.length === 0) refuse('idp.certificates', 'at least one PEM CERTIFICATE');
  const portalUrl = urlAt(settings.portalUrl, 'portalUrl');
  if (!portalUrl.endsWith('/')) refuse('portalUrl', 'ends with /');
  return {
    idp: {
      entityId: textAt(idp.entityId, 'idp.entityId'),
      ssoUrl: urlAt(idp.ssoUrl, 'idp.ssoUrl'),
      certificates: (idp.certificates as unknown[]).map((certificate, index) => certificateAt(certificate, `idp.certificates.${index}`)),
    },
    sp: { entityId: textAt(sp.entityId, 'sp.entityId'), acsUrl: urlAt(sp.acsUrl, 'sp.acsUrl'), certificate: certificateAt(sp.certificate, 'sp.certificate') },
    portalUrl,
    display: { organisationName: textAt(display.organisationName, 'display.organisationName'), onlineServiceId: textAt(display.onlineServiceId, 'display.onlineServiceId') },
  };
}

/** `node:fs` through `require`, not an ES module import (its facade costs ~4 ms at cold start; forms/public.ts). */
const fs = createRequire(import.meta.url)('node:fs') as typeof nodeFs;

/**
 * The settings of the file `setting` names, read on first use and kept; undefined when sign-in is
 * `off`. Read on first use, not at cold start: the local stack writes the file once its gateway
 * listens and knows its own URL (the ACS). Invalid settings fail every request (a 5xx and an error log).
 */
export function signInSettings(setting: string): () => SignInSettings | undefined {
  let settings: SignInSettings | undefined;
  return () => (setting === SIGN_IN_OFF ? undefined : (settings ??= signInSettingsOf(JSON.parse(fs.readFileSync(setting, 'utf8')))));
}
