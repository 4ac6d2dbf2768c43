import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import type { SignInSettings } from './settings.ts';

/**
 * This stack as a SAML 2.0 service provider of BundID, receiving: a response's signature checks
 * run on @node-saml/node-saml and xml-crypto, which take only the signed bytes, so a wrapped,
 * unsigned element is never read. The checks the library leaves to its caller (issuer,
 * destination, recipient, InResponseTo bound to a browser, one-time assertion ids, the level) are
 * in assertion.ts. What the stack sends is written without the library: the AuthnRequest
 * (authnRequest.ts) and the metadata (metadata.ts).
 */
/** What clocks of BundID and Lambda may differ by. */
export const CLOCK_SKEW_MS = 60_000;

function samlOf(settings: SignInSettings): SAML {
  return new SAML({
    issuer: settings.sp.entityId,
    callbackUrl: settings.sp.acsUrl,
    idpCert: settings.idp.certificates,
    idpIssuer: settings.idp.entityId,
    audience: settings.sp.entityId,
    // Every assertion must be signed; a signed response around an unsigned assertion is not enough.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    // InResponseTo is checked against requests bound to the browser (signIns.ts), not a cache here.
    validateInResponseTo: ValidateInResponseTo.never,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    // BundID's assertions are short-lived; nothing older than 10 minutes is accepted at all.
    maxAssertionAgeMs: 10 * 60_000,
  });
}

/** A response whose signature, audience and validity window hold (node-saml's checks), with its assertion. */
export async function signedAssertionOf(settings: SignInSettings, samlResponse: string): Promise<{ profile: Profile; responseXml: string }> {
  const { profile } = await samlOf(settings).validatePostResponseAsync({ SAMLResponse: samlResponse });
  if (!profile) throw new Error('no assertion');
  return { profile, responseXml: Buffer.from(samlResponse, 'base64').toString('utf8') };
}
