/**
 * Text and attribute values for the XML this stack writes itself (the SP metadata, the
 * AuthnRequest), escaped as Exclusive XML Canonicalization writes them (and as xmlbuilder, which
 * node-saml writes with, does): a document built from these is already in canonical form, so what
 * it says and what its signature covers are the same bytes. A character XML 1.0 cannot carry is
 * refused, not dropped.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML_1_0 = /[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

function legal(value: string): string {
  if (NOT_XML_1_0.test(value)) throw new Error('a character XML 1.0 cannot carry');
  return value;
}

/** Character data: `&`, `<`, `>` and carriage returns as references. */
export const xmlText = (value: string): string =>
  legal(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');

/** An attribute value in double quotes: `&`, `<`, `"`, tabs and line breaks as references. */
export const xmlAttribute = (value: string): string =>
  legal(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
