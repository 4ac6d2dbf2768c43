import { generateKeyPairSync } from 'node:crypto';
import { selfSignedCertificate } from '../../infra/local/certificate.ts';
import type { SignInSettings } from '../../functions/lib/bundid/settings.ts';

/** An RSA key as PEM (PKCS#8) with its self-signed certificate, as the local stack makes the SP's: generated once per test file. */
let pair: { privateKeyPem: string; certificate: string } | undefined;
export function serviceProviderKeyPair(): { privateKeyPem: string; certificate: string } {
  if (!pair) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pair = { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certificate: selfSignedCertificate(privateKey, 'egov-forms SP (test)') };
  }
  return pair;
}

/**
 * Sign-in settings of a stage, and variants whose free texts carry what XML must escape (`&`, `<`,
 * `>`, quotes, line breaks, tabs, non-ASCII), for the documents the stack writes itself.
 */
export function signInSettingsVariants(): SignInSettings[] {
  const { certificate } = serviceProviderKeyPair();
  const plain: SignInSettings = {
    idp: { entityId: 'https://id.bund.de/idp', ssoUrl: 'https://id.bund.de/idp/profile/SAML2/POST/SSO', certificates: [certificate] },
    sp: { entityId: 'https://api.kreis-bergstrasse.example/auth/bundid/metadata', acsUrl: 'https://api.kreis-bergstrasse.example/auth/bundid/acs', certificate },
    portalUrl: 'https://www.kreis-bergstrasse.example/portal/',
    display: { organisationName: 'Kreis Bergstraße', onlineServiceId: 'egov-forms-kreis-bergstrasse' },
  };
  return [
    plain,
    {
      ...plain,
      idp: { ...plain.idp, ssoUrl: 'https://id.bund.de/sso?a=1&b="2"&c=<3>' },
      sp: { entityId: 'urn:egov:sp & "friends" <x> \'y\'', acsUrl: 'http://127.0.0.1:3000/auth/bundid/acs?x=1&y=2', certificate: certificate.replace(/\n/g, '\r\n') },
      display: { organisationName: 'Amt für Ordnung & Sicherheit <Bensheim> "Süd"\r\nZeile\tzwei', onlineServiceId: 'a>b&c' },
    },
  ];
}
