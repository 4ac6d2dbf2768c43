import { createHash, sign, type KeyObject } from 'node:crypto';
import { attributeName, REQUESTED_OIDS, STORK_LEVEL, type TrustLevel } from './levels.ts';
import { NAME_ID_FORMAT } from './metadata.ts';
import type { SignInSettings } from './settings.ts';
import { xmlAttribute, xmlText } from './xml.ts';

/**
 * The signed AuthnRequest the login page posts to BundID (HTTP-POST binding), written without a
 * SAML or XML library: the login loads neither at cold start (bench/README.md). What BundID adds
 * to plain SAML is here: the `akdb:AuthenticationRequest` extension (requested attributes by OID,
 * DisplayInformation) and RequestedAuthnContext `minimum` of the level's STORK URI.
 *
 * The request is written in Exclusive XML Canonicalization's form (attributes in canonical order,
 * each namespace declared once where it is first used, empty elements as start and end tag,
 * values escaped by xml.ts), so its canonical form, which the enveloped signature's digest
 * covers, is its own text: nothing here canonicalizes, and nothing here verifies anything (the
 * ACS verifies BundID's signatures with node-saml and xml-crypto, serviceProvider.ts).
 * test/unit/bundid/authnRequest.test.ts holds the result to what node-saml (with xml-crypto)
 * signed before, canonical form and signature value alike, and verifies it as BundID would.
 */
const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const AKDB = 'https://www.akdb.de/request/2018/09';
const CLASSIC_UI = 'https://www.akdb.de/request/2018/09/classic-ui/v1';
const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

/** The request's canonical text without its signature, in two parts: up to the Issuer, and the rest; the signature goes between them. */
function unsignedRequest(settings: SignInSettings, requestId: string, level: TrustLevel, issueInstant: string): [string, string] {
  const requested = REQUESTED_OIDS.map(
    ({ oid, required }) => `<akdb:RequestedAttribute Name="${xmlAttribute(attributeName(oid))}" RequiredAttribute="${String(required)}"></akdb:RequestedAttribute>`,
  ).join('');
  const head =
    `<samlp:AuthnRequest xmlns:samlp="${SAMLP}" AssertionConsumerServiceURL="${xmlAttribute(settings.sp.acsUrl)}" Destination="${xmlAttribute(settings.idp.ssoUrl)}"` +
    ` ID="${xmlAttribute(requestId)}" IssueInstant="${issueInstant}" ProtocolBinding="${HTTP_POST}" Version="2.0">` +
    `<saml:Issuer xmlns:saml="${SAML}">${xmlText(settings.sp.entityId)}</saml:Issuer>`;
  const tail =
    '<samlp:Extensions>' +
    `<akdb:AuthenticationRequest xmlns:akdb="${AKDB}" Version="2">` +
    `<akdb:RequestedAttributes>${requested}</akdb:RequestedAttributes>` +
    `<akdb:DisplayInformation><classic-ui:Version xmlns:classic-ui="${CLASSIC_UI}">` +
    `<classic-ui:OrganizationDisplayName>${xmlText(settings.display.organisationName)}</classic-ui:OrganizationDisplayName>` +
    `<classic-ui:OnlineServiceId>${xmlText(settings.display.onlineServiceId)}</classic-ui:OnlineServiceId>` +
    '<classic-ui:Lang>de</classic-ui:Lang>' +
    '</classic-ui:Version></akdb:DisplayInformation>' +
    '</akdb:AuthenticationRequest>' +
    '</samlp:Extensions>' +
    `<samlp:NameIDPolicy AllowCreate="true" Format="${NAME_ID_FORMAT}"></samlp:NameIDPolicy>` +
    `<samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef xmlns:saml="${SAML}">${STORK_LEVEL[level]}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>` +
    '</samlp:AuthnRequest>';
  return [head, tail];
}

/** SignedInfo of an enveloped RSA-SHA256 signature over the element `#id`, exclusive canonicalization; `namespace`: its own xmlns, as the canonical form the signature value covers carries it. */
function signedInfo(id: string, digest: string, namespace: boolean): string {
  return (
    `<SignedInfo${namespace ? ` xmlns="${DSIG}"` : ''}>` +
    `<CanonicalizationMethod Algorithm="${EXC_C14N}"></CanonicalizationMethod>` +
    '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></SignatureMethod>' +
    `<Reference URI="#${xmlAttribute(id)}"><Transforms>` +
    `<Transform Algorithm="${DSIG}enveloped-signature"></Transform><Transform Algorithm="${EXC_C14N}"></Transform>` +
    '</Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod>' +
    `<DigestValue>${digest}</DigestValue></Reference></SignedInfo>`
  );
}

/** The request id must be an XML ID: the signature's reference names the request by it (`#id`). */
const XML_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The AuthnRequest for `level`, signed with the service provider's key (RSA; parsed once per
 * container, spKey.ts) as an enveloped XML signature after its Issuer: RSA-SHA256, SHA-256 digest,
 * exclusive canonicalization.
 */
export function signedAuthnRequest(settings: SignInSettings, key: KeyObject, requestId: string, level: TrustLevel, now: Date = new Date()): string {
  if (!XML_ID.test(requestId)) throw new Error('the request id is no XML ID');
  if (key.asymmetricKeyType !== 'rsa') throw new Error('the BundID signing key is not an RSA key');
  const [head, tail] = unsignedRequest(settings, requestId, level, now.toISOString());
  const digest = createHash('sha256').update(head + tail, 'utf8').digest('base64');
  const signatureValue = sign('sha256', Buffer.from(signedInfo(requestId, digest, true), 'utf8'), key).toString('base64');
  const signature = `<Signature xmlns="${DSIG}">${signedInfo(requestId, digest, false)}<SignatureValue>${signatureValue}</SignatureValue></Signature>`;
  return `<?xml version="1.0"?>${head}${signature}${tail}`;
}

/** The signed AuthnRequest as the HTTP-POST binding's form fields (`SAMLRequest`, base64). */
export function authnRequestFields(settings: SignInSettings, key: KeyObject, requestId: string, level: TrustLevel): Record<string, string> {
  return { SAMLRequest: Buffer.from(signedAuthnRequest(settings, key, requestId, level), 'utf8').toString('base64') };
}
