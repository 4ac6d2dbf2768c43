import { describe, expect, it } from '@jest/globals';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { SAML } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { authnRequestFields, signedAuthnRequest } from '#lib/bundid/authnRequest.ts';
import { attributeName, REQUESTED_OIDS, STORK_LEVEL, TRUST_LEVELS, type TrustLevel } from '#lib/bundid/levels.ts';
import type { SignInSettings } from '#lib/bundid/settings.ts';
import { serviceProviderKeyPair, signInSettingsVariants } from '../../support/signInSettings.ts';

/**
 * The login writes and signs its AuthnRequest itself (authnRequest.ts). Before, node-saml built it
 * and xml-crypto signed it; the reference below is that code with the options the stack used. Both
 * must say the same: the same canonical document, hence the same digest and, RSA PKCS#1 v1.5 being
 * deterministic, the same signature value.
 */
async function byNodeSaml(settings: SignInSettings, privateKey: string, requestId: string, level: TrustLevel): Promise<string> {
  const saml = new SAML({
    issuer: settings.sp.entityId,
    callbackUrl: settings.sp.acsUrl,
    entryPoint: settings.idp.ssoUrl,
    idpCert: settings.idp.certificates,
    idpIssuer: settings.idp.entityId,
    audience: settings.sp.entityId,
    authnRequestBinding: 'HTTP-POST',
    skipRequestCompression: true,
    privateKey,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    generateUniqueId: () => requestId,
    authnContext: [STORK_LEVEL[level]],
    racComparison: 'minimum',
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    samlAuthnRequestExtensions: {
      'akdb:AuthenticationRequest': {
        '@xmlns:akdb': 'https://www.akdb.de/request/2018/09',
        '@Version': '2',
        'akdb:RequestedAttributes': {
          'akdb:RequestedAttribute': REQUESTED_OIDS.map(({ oid, required }) => ({ '@Name': attributeName(oid), '@RequiredAttribute': String(required) })),
        },
        'akdb:DisplayInformation': {
          'classic-ui:Version': {
            '@xmlns:classic-ui': 'https://www.akdb.de/request/2018/09/classic-ui/v1',
            'classic-ui:OrganizationDisplayName': settings.display.organisationName,
            'classic-ui:OnlineServiceId': settings.display.onlineServiceId,
            'classic-ui:Lang': 'de',
          },
        },
      },
    },
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
  });
  const { SAMLRequest } = await saml.getAuthorizeMessageAsync('', undefined, {});
  return Buffer.from(String(SAMLRequest), 'base64').toString('utf8');
}

const parse = (xml: string): Element => {
  const errors: string[] = [];
  const root = new DOMParser({ errorHandler: (level: string, message: string) => void errors.push(`${level}: ${message}`) }).parseFromString(xml, 'text/xml').documentElement;
  expect(errors).toEqual([]);
  if (!root) throw new Error('no document element');
  return root as unknown as Element;
};
const canonical = (xml: string): string => new ExclusiveCanonicalization().process(parse(xml), {});
const requestId = () => `_${randomBytes(20).toString('hex')}`;
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const valueOf = (xml: string, name: string) => parse(xml).getElementsByTagNameNS(DSIG, name)[0]?.textContent;

/** Verifies the request's signature as the local test IdP (infra/local/bundidIdp.ts) and BundID do: with the registered certificate only. */
function verifies(xml: string, certificate: string): boolean {
  const signature = parse(xml).getElementsByTagNameNS(DSIG, 'Signature')[0];
  if (!signature) return false;
  const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature as unknown as Node);
  try {
    return verifier.checkSignature(xml);
  } catch {
    return false;
  }
}

describe('the AuthnRequest', () => {
  const { privateKeyPem, certificate } = serviceProviderKeyPair();
  const key = createPrivateKey(privateKeyPem);

  it('is what node-saml and xml-crypto signed before: the same canonical document, digest and signature value, for every level and setting', async () => {
    for (const settings of signInSettingsVariants()) {
      for (const level of TRUST_LEVELS) {
        const id = requestId();
        const reference = await byNodeSaml(settings, privateKeyPem, id, level);
        const ours = signedAuthnRequest(settings, key, id, level, new Date(parse(reference).getAttribute('IssueInstant') ?? ''));
        expect(canonical(ours)).toBe(canonical(reference));
        expect(valueOf(ours, 'DigestValue')).toBe(valueOf(reference, 'DigestValue'));
        expect(valueOf(ours, 'SignatureValue')).toBe(valueOf(reference, 'SignatureValue'));
      }
    }
  });

  it('is written in canonical form already, so the digest covers its own text', () => {
    for (const settings of signInSettingsVariants()) {
      const xml = signedAuthnRequest(settings, key, requestId(), 'substantial');
      expect(`<?xml version="1.0"?>${canonical(xml)}`).toBe(xml);
    }
  });

  it("verifies with the SP's certificate, and no longer when a signed value is changed or another key signed it", () => {
    const [settings] = signInSettingsVariants();
    const xml = signedAuthnRequest(settings!, key, requestId(), 'high');
    expect(verifies(xml, certificate)).toBe(true);
    expect(verifies(xml.replace(STORK_LEVEL.high, STORK_LEVEL.low), certificate)).toBe(false);
    expect(verifies(xml.replace(settings!.sp.acsUrl, 'https://evil.example/acs'), certificate)).toBe(false);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(verifies(signedAuthnRequest(settings!, other, requestId(), 'high'), certificate)).toBe(false);
  });

  it('carries the level, the ACS, the destination, the akdb extension and the display information', () => {
    const [settings] = signInSettingsVariants();
    const { SAMLRequest } = authnRequestFields(settings!, key, '_abc', 'substantial');
    const root = parse(Buffer.from(SAMLRequest ?? '', 'base64').toString('utf8'));
    expect([root.localName, root.getAttribute('ID'), root.getAttribute('AssertionConsumerServiceURL'), root.getAttribute('Destination')]).toEqual([
      'AuthnRequest',
      '_abc',
      settings!.sp.acsUrl,
      settings!.idp.ssoUrl,
    ]);
    const requested = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:protocol', 'RequestedAuthnContext')[0];
    expect([requested?.getAttribute('Comparison'), requested?.textContent]).toEqual(['minimum', STORK_LEVEL.substantial]);
    const names = Array.from(root.getElementsByTagNameNS('https://www.akdb.de/request/2018/09', 'RequestedAttribute'), (node) => node.getAttribute('Name'));
    expect(names).toEqual(REQUESTED_OIDS.map(({ oid }) => attributeName(oid)));
    expect(root.getElementsByTagNameNS('https://www.akdb.de/request/2018/09/classic-ui/v1', 'OrganizationDisplayName')[0]?.textContent).toBe(settings!.display.organisationName);
  });

  it('refuses a key that is not RSA, and a request id that is no XML ID', () => {
    const [settings] = signInSettingsVariants();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => signedAuthnRequest(settings!, ec, requestId(), 'low')).toThrow('not an RSA key');
    expect(() => signedAuthnRequest(settings!, key, '1"><x', 'low')).toThrow('no XML ID');
  });
});
