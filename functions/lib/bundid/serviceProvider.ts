import { SAML, ValidateInResponseTo, generateServiceProviderMetadata, type Profile } from '@node-saml/node-saml';
import { attributeName, REQUESTED_OIDS, STORK_LEVEL, type TrustLevel } from './levels.ts';
import type { SignInSettings } from './settings.ts';

/**
 * This stack as a SAML 2.0 service provider of BundID, on @node-saml/node-saml (its signature
 * checks run on xml-crypto and take only the signed bytes, so a wrapped, unsigned element is never
 * read). What BundID adds to plain SAML lives here: the `akdb:AuthenticationRequest` extension
 * (requested attributes by OID, DisplayInformation) and RequestedAuthnContext `minimum` of the
 * level's STORK URI. The checks the library leaves to its caller (issuer, destination, recipient,
 * InResponseTo bound to a browser, one-time assertion ids, the level) are in assertion.ts.
 */
const AKDB = 'https://www.akdb.de/request/2018/09';
const CLASSIC_UI = 'https://www.akdb.de/request/2018/09/classic-ui/v1';
/** What clocks of BundID and Lambda may differ by. */
export const CLOCK_SKEW_MS = 60_000;

function authenticationRequestExtension(settings: SignInSettings): Record<string, unknown> {
  return {
    'akdb:AuthenticationRequest': {
      '@xmlns:akdb': AKDB,
      '@Version': '2',
      'akdb:RequestedAttributes': {
        'akdb:RequestedAttribute': REQUESTED_OIDS.map(({ oid, required }) => ({ '@Name': attributeName(oid), '@RequiredAttribute': String(required) })),
      },
      'akdb:DisplayInformation': {
        'classic-ui:Version': {
          '@xmlns:classic-ui': CLASSIC_UI,
          'classic-ui:OrganizationDisplayName': settings.display.organisationName,
          'classic-ui:OnlineServiceId': settings.display.onlineServiceId,
          'classic-ui:Lang': 'de',
        },
      },
    },
  };
}

function samlOf(settings: SignInSettings, options: { privateKey?: string; requestId?: string; level?: TrustLevel }): SAML {
  return new SAML({
    issuer: settings.sp.entityId,
    callbackUrl: settings.sp.acsUrl,
    entryPoint: settings.idp.ssoUrl,
    idpCert: settings.idp.certificates,
    idpIssuer: settings.idp.entityId,
    audience: settings.sp.entityId,
    authnRequestBinding: 'HTTP-POST',
    // The HTTP-POST binding carries the request base64 only (deflate belongs to HTTP-Redirect).
    skipRequestCompression: true,
    ...(options.privateKey ? { privateKey: options.privateKey, signatureAlgorithm: 'sha256' as const, digestAlgorithm: 'sha256' } : {}),
    ...(options.requestId ? { generateUniqueId: () => options.requestId ?? '' } : {}),
    authnContext: [STORK_LEVEL[options.level ?? 'low']],
    racComparison: 'minimum',
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    samlAuthnRequestExtensions: authenticationRequestExtension(settings),
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

/** The signed AuthnRequest as the HTTP-POST binding's form fields (`SAMLRequest`, base64). */
export async function authnRequestFields(settings: SignInSettings, privateKey: string, requestId: string, level: TrustLevel): Promise<Record<string, string>> {
  const message = await samlOf(settings, { privateKey, requestId, level }).getAuthorizeMessageAsync('', undefined, {});
  return Object.fromEntries(Object.entries(message).filter(([name]) => name === 'SAMLRequest').map(([name, value]) => [name, String(value)]));
}

/** Our metadata for BundID's self-service registration: entity id, signing certificate, ACS (HTTP-POST). */
export function serviceProviderMetadata(settings: SignInSettings): string {
  return generateServiceProviderMetadata({
    issuer: settings.sp.entityId,
    callbackUrl: settings.sp.acsUrl,
    publicCerts: settings.sp.certificate,
    // node-saml marks the metadata AuthnRequestsSigned="true" only when it sees a key; the key
    // itself is never passed here (the metadata route cannot read it).
    privateKey: 'unused',
    signatureAlgorithm: 'sha256',
    wantAssertionsSigned: true,
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  });
}

/** A response whose signature, audience and validity window hold (node-saml's checks), with its assertion. */
export async function signedAssertionOf(settings: SignInSettings, samlResponse: string): Promise<{ profile: Profile; responseXml: string }> {
  const { profile } = await samlOf(settings, {}).validatePostResponseAsync({ SAMLResponse: samlResponse });
  if (!profile) throw new Error('no assertion');
  return { profile, responseXml: Buffer.from(samlResponse, 'base64').toString('utf8') };
}
