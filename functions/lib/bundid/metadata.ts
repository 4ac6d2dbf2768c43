import type { SignInSettings } from './settings.ts';
import { xmlAttribute, xmlText } from './xml.ts';

/**
 * Our SAML metadata for BundID's self-service registration: entity id, the signing certificate,
 * requests signed, assertions wanted signed, transient name ids, the ACS (HTTP-POST). A fixed
 * document per stage and SP certificate, written from a template: the metadata route loads no
 * SAML library (bench/README.md, cold start). It is the document node-saml's
 * `generateServiceProviderMetadata` writes with the options the stack used before (signing key
 * present, `wantAssertionsSigned`, transient format); test/unit/bundid/metadata.test.ts holds the
 * two to the same bytes.
 */
const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

/** A certificate's base64 as the metadata carries it: the PEM without its armour lines (line breaks kept, as node-saml does). */
const certificateText = (pem: string): string =>
  pem
    .replace(/(\r\n|\r)/g, '\n')
    .replace(/-----BEGIN [A-Z\x20]{1,48}-----\n?/, '')
    .replace(/-----END [A-Z\x20]{1,48}-----\n?/, '');

/** The metadata document; `id` is its `ID` (an XML ID: a letter or `_` first). */
export function serviceProviderMetadata(sp: SignInSettings['sp'], id: string): string {
  return [
    '<?xml version="1.0"?>',
    `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${xmlAttribute(sp.entityId)}" ID="${xmlAttribute(id)}">`,
    '  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="true" WantAssertionsSigned="true">',
    '    <KeyDescriptor use="signing">',
    '      <ds:KeyInfo>',
    '        <ds:X509Data>',
    `          <ds:X509Certificate>${xmlText(certificateText(sp.certificate))}</ds:X509Certificate>`,
    '        </ds:X509Data>',
    '      </ds:KeyInfo>',
    '    </KeyDescriptor>',
    `    <NameIDFormat>${NAME_ID_FORMAT}</NameIDFormat>`,
    `    <AssertionConsumerService index="1" isDefault="true" Binding="${HTTP_POST}" Location="${xmlAttribute(sp.acsUrl)}"/>`,
    '  </SPSSODescriptor>',
    '</EntityDescriptor>',
  ].join('\n');
}
