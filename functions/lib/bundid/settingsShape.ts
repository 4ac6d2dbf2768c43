import * as z from 'zod';
import type { SignInSettings } from './settings.ts';

/**
 * The sign-in settings as a zod shape, for the synth (infra/config.ts) and the local stack, which
 * write the settings file, and for the property test that holds the functions' own check
 * (`signInSettingsOf`, settings.ts: no zod at a sign-in function's cold start) to it.
 */
const pem = (label: string) => z.string().regex(new RegExp(`^-----BEGIN ${label}-----\\r?\\n[A-Za-z0-9+/=\\r\\n]+-----END ${label}-----\\s*$`), `a PEM ${label}`);
const httpsOrLoopback = z.url().refine((url) => url.startsWith('https://') || /^http:\/\/127\.0\.0\.1(:\d+)?\//.test(url), 'an https URL (http only on 127.0.0.1)');

export const signInSettingsShape: z.ZodType<SignInSettings> = z.strictObject({
  idp: z.strictObject({
    entityId: z.string().min(1),
    ssoUrl: httpsOrLoopback,
    certificates: z.array(pem('CERTIFICATE')).min(1),
  }),
  sp: z.strictObject({
    entityId: z.string().min(1),
    acsUrl: httpsOrLoopback,
    certificate: pem('CERTIFICATE'),
  }),
  portalUrl: httpsOrLoopback.refine((url) => url.endsWith('/'), 'ends with /'),
  display: z.strictObject({ organisationName: z.string().min(1), onlineServiceId: z.string().min(1) }),
});
