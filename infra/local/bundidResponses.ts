import { randomBytes, type KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { attributeName, BPK2_OID, LEVEL_OID, ATTRIBUTE_OIDS, STORK_LEVEL, type AttributeName, type TrustLevel } from '../../functions/lib/bundid/levels.ts';

/**
 * BundID-like SAML responses, signed with an IdP key: what the local test IdP (bundidIdp.ts) sends,
 * and what the tests bend into hostile responses (wrong issuer, audience, destination, window,
 * level; unsigned or wrapped assertions). The shape follows BundID's: a Response with one signed
 * Assertion, the level as STORK AuthnContextClassRef and as EID-CITIZEN-QAA-LEVEL, the attributes
 * as `urn:oid:` names.
 */
export interface TestIdentity {
  readonly bpk2: string;
  readonly level: TrustLevel;
  readonly attributes: Partial<Record<AttributeName, string>>;
}

export interface ResponseOptions {
  readonly identity: TestIdentity;
  readonly requestId: string;
  readonly acsUrl: string;
  readonly audience: string;
  readonly issuer: string;
  readonly key: { privateKey: KeyObject; certificate: string };
  /** The level the assertion claims; default the identity's. */
  readonly level?: TrustLevel;
  readonly assertionId?: string;
  readonly now?: Date;
  /** Validity of the assertion from `now`, in seconds (default 300). */
  readonly validForSeconds?: number;
  /** Response@Destination; default the ACS URL. */
  readonly destination?: string;
  /** Sign the assertion (default) and/or the response. */
  readonly signAssertion?: boolean;
  readonly signResponse?: boolean;
}

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const samlId = (): string => `_${randomBytes(16).toString('hex')}`;

const DSIG = {
  signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
};

/** Signs the element with `ID` = id (enveloped signature, placed after its Issuer), with the IdP's key and certificate. */
export function signElement(xml: string, elementName: 'Assertion' | 'Response', id: string, key: ResponseOptions['key']): string {
  const signer = new SignedXml({
    privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicCert: key.certificate,
    signatureAlgorithm: DSIG.signatureAlgorithm,
    canonicalizationAlgorithm: DSIG.canonicalizationAlgorithm,
  });
  const element = `//*[local-name(.)='${elementName}' and @ID='${id}']`;
  signer.addReference({ xpath: element, transforms: DSIG.transforms, digestAlgorithm: DSIG.digestAlgorithm });
  signer.computeSignature(xml, { location: { reference: `${element}/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

function attribute(oid: string, value: string): string {
  return (
    `<saml2:Attribute Name="${attributeName(oid)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
    `<saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${escape(value)}</saml2:AttributeValue></saml2:Attribute>`
  );
}

/** The assertion alone (unsigned), with its id. */
export function assertionXml(options: ResponseOptions): { id: string; xml: string } {
  const now = options.now ?? new Date();
  const until = new Date(now.getTime() + (options.validForSeconds ?? 300) * 1000).toISOString();
  const from = new Date(now.getTime() - 1000).toISOString();
  const id = options.assertionId ?? samlId();
  const level = options.level ?? options.identity.level;
  const attributes = [
    attribute(BPK2_OID, options.identity.bpk2),
    ...Object.entries(options.identity.attributes).map(([name, value]) => attribute(ATTRIBUTE_OIDS[name as AttributeName], value)),
    attribute(LEVEL_OID, level),
  ].join('');
  const xml =
    `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" IssueInstant="${now.toISOString()}" Version="2.0">` +
    `<saml2:Issuer>${escape(options.issuer)}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">${samlId()}</saml2:NameID>` +
    `<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData InResponseTo="${escape(options.requestId)}" NotOnOrAfter="${until}" Recipient="${escape(options.acsUrl)}"/></saml2:SubjectConfirmation></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${from}" NotOnOrAfter="${until}"><saml2:AudienceRestriction><saml2:Audience>${escape(options.audience)}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${samlId()}"><saml2:AuthnContext><saml2:AuthnContextClassRef>${STORK_LEVEL[level]}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    `<saml2:AttributeStatement>${attributes}</saml2:AttributeStatement>` +
    `</saml2:Assertion>`;
  return { id, xml };
}

/** A Response around the given assertions (XML strings, placed as they are). */
export function responseAround(options: Pick<ResponseOptions, 'requestId' | 'acsUrl' | 'issuer' | 'destination' | 'now'>, assertions: string, id = samlId()): string {
  const now = options.now ?? new Date();
  return (
    `<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" InResponseTo="${escape(options.requestId)}" ` +
    `IssueInstant="${now.toISOString()}" Version="2.0" Destination="${escape(options.destination ?? options.acsUrl)}">` +
    `<saml2:Issuer>${escape(options.issuer)}</saml2:Issuer>` +
    `<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>` +
    assertions +
    `</saml2p:Response>`
  );
}

/** A complete response as BundID sends it (assertion signed; response too if asked), base64 for the form field. */
export function signedResponse(options: ResponseOptions): string {
  const assertion = assertionXml(options);
  const assertionPart = options.signAssertion === false ? assertion.xml : signElement(assertion.xml, 'Assertion', assertion.id, options.key);
  const responseId = samlId();
  let xml = responseAround(options, assertionPart, responseId);
  if (options.signResponse) xml = signElement(xml, 'Response', responseId, options.key);
  return Buffer.from(xml, 'utf8').toString('base64');
}
