import { describe, expect, it } from '@jest/globals';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { createBundidMetadata, randomXmlId } from '../../../functions/bundidMetadata/bundidMetadata.ts';
import { serviceProviderMetadata } from '#lib/bundid/metadata.ts';
import type { SignInSettings } from '#lib/bundid/settings.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { signInSettingsVariants } from '../../support/signInSettings.ts';

/** The metadata as node-saml wrote it for the stack before (the options of the former serviceProvider.ts). */
const byNodeSaml = (settings: SignInSettings, id: string): string =>
  generateServiceProviderMetadata({
    issuer: settings.sp.entityId,
    callbackUrl: settings.sp.acsUrl,
    publicCerts: settings.sp.certificate,
    privateKey: 'unused',
    signatureAlgorithm: 'sha256',
    wantAssertionsSigned: true,
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    generateUniqueId: () => id,
  });

describe('the SP metadata', () => {
  it("is the very document node-saml's generator writes, byte for byte, for every setting and escape", () => {
    for (const settings of signInSettingsVariants()) {
      const id = randomXmlId();
      expect(serviceProviderMetadata(settings.sp, id)).toBe(byNodeSaml(settings, id));
    }
  });

  it('is well-formed XML that says what BundID needs: entity id, signed requests and assertions, the ACS, the certificate', () => {
    for (const settings of signInSettingsVariants()) {
      const errors: string[] = [];
      const document = new DOMParser({ errorHandler: (level: string, message: string) => void errors.push(`${level}: ${message}`) }).parseFromString(serviceProviderMetadata(settings.sp, '_1'), 'text/xml');
      expect(errors).toEqual([]);
      const root = document.documentElement!;
      expect([root.namespaceURI, root.localName, root.getAttribute('entityID')]).toEqual(['urn:oasis:names:tc:SAML:2.0:metadata', 'EntityDescriptor', settings.sp.entityId]);
      const acs = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'AssertionConsumerService')[0];
      expect(acs?.getAttribute('Location')).toBe(settings.sp.acsUrl);
      const certificate = root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'X509Certificate')[0]?.textContent?.replace(/\s/g, '');
      expect(certificate).toBe(settings.sp.certificate.replace(/-----[A-Z ]+-----|\s/g, ''));
    }
  });

  it('refuses a setting XML cannot carry instead of writing a broken document', () => {
    const [settings] = signInSettingsVariants();
    expect(() => serviceProviderMetadata({ ...settings!.sp, entityId: 'urn:x\u0001' }, '_1')).toThrow('a character XML 1.0 cannot carry');
  });
});

describe('GET /auth/bundid/metadata', () => {
  it('answers the metadata, written once per instance (one ID), and 404 where sign-in is off', () => {
    const [settings] = signInSettingsVariants();
    let ids = 0;
    const route = createBundidMetadata(() => settings, () => `_${++ids}`);
    const first = route();
    expect(first).toEqual({ statusCode: 200, headers: { 'Content-Type': 'application/samlmetadata+xml; charset=utf-8' }, body: serviceProviderMetadata(settings!.sp, '_1') });
    expect(route().body).toBe(first.body);
    expect(ids).toBe(1);
    const off = createBundidMetadata(() => undefined);
    expect(() => off()).toThrow(ProblemError);
  });

  it('makes IDs as node-saml did: `_` and 40 hex digits, fresh each time', () => {
    expect(randomXmlId()).toMatch(/^_[0-9a-f]{40}$/);
    expect(randomXmlId()).not.toBe(randomXmlId());
  });
});
