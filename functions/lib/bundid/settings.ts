import { readFileSync } from 'node:fs';
import * as z from 'zod';

/**
 * The sign-in settings of a stage (functions with the `bundid` need read them from the JSON file
 * `BUNDID` names, shipped in their bundle; certificates make them too large for the environment): BundID's identity provider as its metadata names it, this service provider, where a
 * sign-in may return to, and what BundID shows the citizen. The SP's private key is not here: it is
 * a Secrets Manager secret (`BUNDID_SP_KEY_SECRET_ID`, the `bundidKey` need), read on first use.
 * `off`: the stage has no BundID registration; the sign-in routes answer 404 and forms that need
 * sign-in cannot be submitted.
 */
const pem = (label: string) => z.string().regex(new RegExp(`^-----BEGIN ${label}-----\\r?\\n[A-Za-z0-9+/=\\r\\n]+-----END ${label}-----\\s*$`), `a PEM ${label}`);
const httpsOrLoopback = z.url().refine((url) => url.startsWith('https://') || /^http:\/\/127\.0\.0\.1(:\d+)?\//.test(url), 'an https URL (http only on 127.0.0.1)');

export const signInSettingsShape = z.strictObject({
  idp: z.strictObject({
    /** The `entityID` of BundID's metadata: every assertion's issuer must be exactly this. */
    entityId: z.string().min(1),
    /** The SingleSignOnService location for the HTTP-POST binding. */
    ssoUrl: httpsOrLoopback,
    /** The signing certificates of BundID's metadata (more than one while BundID rolls its key). */
    certificates: z.array(pem('CERTIFICATE')).min(1),
  }),
  sp: z.strictObject({
    /** Our entity id as registered with BundID: the audience every assertion must name. */
    entityId: z.string().min(1),
    /** Our AssertionConsumerService: the destination and recipient every response must name. */
    acsUrl: httpsOrLoopback,
    /** The certificate of that key, published in our metadata. */
    certificate: pem('CERTIFICATE'),
  }),
  /** The portal: `returnTo` must be a path under it; the citizen token goes to it in the fragment. */
  portalUrl: httpsOrLoopback.refine((url) => url.endsWith('/'), 'ends with /'),
  /** What BundID shows the citizen (akdb DisplayInformation). */
  display: z.strictObject({ organisationName: z.string().min(1), onlineServiceId: z.string().min(1) }),
});

export type SignInSettings = z.infer<typeof signInSettingsShape>;

export const SIGN_IN_OFF = 'off';

/**
 * The settings of the file `setting` names, read on first use and kept; undefined when sign-in is
 * `off`. Read on first use, not at cold start: the local stack writes the file once its gateway
 * listens and knows its own URL (the ACS). Invalid settings fail every request (a 5xx and an error log).
 */
export function signInSettings(setting: string): () => SignInSettings | undefined {
  let settings: SignInSettings | undefined;
  return () => (setting === SIGN_IN_OFF ? undefined : (settings ??= signInSettingsShape.parse(JSON.parse(readFileSync(setting, 'utf8')))));
}
