import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { levelOfStork, STORK_LEVEL, type TrustLevel } from '../../functions/lib/bundid/levels.ts';
import { selfSignedCertificate } from './certificate.ts';
import { signedResponse, type TestIdentity } from './bundidResponses.ts';

/**
 * A BundID-like identity provider for the local stack (API.md, *The local stack*; docs/bundid.md):
 * on 127.0.0.1, it takes the service provider's signed AuthnRequest (HTTP-POST binding), checks
 * its issuer, ACS URL and signature against the registered service provider, shows the test
 * identities at each level on a page, and answers the chosen one with a signed response (real
 * attribute OIDs, STORK levels) posted back to the ACS. Its key and certificate are generated on
 * first start under `<dataDir>/bundid/` (mode 0600), never committed.
 */
export const TEST_IDENTITIES: readonly (TestIdentity & { label: string })[] = [
  {
    label: 'Max Mustermann (Benutzername und Passwort)',
    bpk2: 'LOCAL-BPK2-MAX-MUSTERMANN-LOW',
    level: 'low',
    attributes: { surname: 'Mustermann', givenName: 'Max', mail: 'max.mustermann@example.org' },
  },
  {
    label: 'Erika Gabler (ELSTER-Zertifikat)',
    bpk2: 'LOCAL-BPK2-ERIKA-GABLER-SUBSTANTIAL',
    level: 'substantial',
    attributes: {
      surname: 'Gabler',
      givenName: 'Erika',
      birthdate: '1964-08-12',
      postalAddress: 'Heidelberger Straße 17',
      postalCode: '64625',
      locality: 'Bensheim',
      mail: 'erika.gabler@example.org',
    },
  },
  {
    label: 'Jonas Weber (Online-Ausweis)',
    bpk2: 'LOCAL-BPK2-JONAS-WEBER-HIGH',
    level: 'high',
    attributes: {
      surname: 'Weber',
      givenName: 'Jonas',
      birthdate: '1988-02-29',
      postalAddress: 'Graben 3',
      postalCode: '64646',
      locality: 'Heppenheim (Bergstraße)',
      mail: 'jonas.weber@example.org',
    },
  },
];

export interface SamlKey {
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;
  readonly certificate: string;
}

/** A key pair and its self-signed certificate under `<dataDir>/bundid/<name>.*`, created on first use. */
export function loadOrCreateSamlKey(dataDir: string, name: string, commonName: string): SamlKey {
  const dir = join(dataDir, 'bundid');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, `${name}.key.pem`);
  const certificateFile = join(dir, `${name}.cert.pem`);
  if (!existsSync(keyFile) || !existsSync(certificateFile)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
    writeFileSync(certificateFile, selfSignedCertificate(privateKey, commonName));
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'w' });
  }
  const privateKeyPem = readFileSync(keyFile, 'utf8');
  return { privateKey: createPrivateKey(privateKeyPem), privateKeyPem, certificate: readFileSync(certificateFile, 'utf8') };
}

export interface RegisteredServiceProvider {
  readonly entityId: string;
  readonly acsUrl: string;
  readonly certificate: string;
}

export interface LocalBundid {
  readonly url: string;
  readonly entityId: string;
  readonly ssoUrl: string;
  readonly key: SamlKey;
  /** What BundID's self-service registration does: from now on the IdP answers this SP only. */
  register(sp: RegisteredServiceProvider): void;
  close(): Promise<void>;
}

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; form-action *; frame-ancestors 'none'",
  });
  res.end(`<!doctype html>\n<html lang="de"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>\n`);
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 256 * 1024) throw new Error('request too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

interface PendingRequest {
  readonly level: TrustLevel;
  readonly acsUrl: string;
}

/** Reads and checks an AuthnRequest of the registered SP; the reason it is refused, or what it asks. */
function readAuthnRequest(samlRequest: string, sp: RegisteredServiceProvider | undefined): { id: string; level: TrustLevel } | string {
  if (!sp) return 'no service provider is registered';
  const xml = Buffer.from(samlRequest, 'base64').toString('utf8');
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  if (root?.localName !== 'AuthnRequest') return 'not an AuthnRequest';
  const id = root.getAttribute('ID') ?? '';
  const issuer = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer')[0]?.textContent?.trim();
  if (issuer !== sp.entityId) return `unknown service provider ${issuer ?? '(none)'}`;
  if (root.getAttribute('AssertionConsumerServiceURL') !== sp.acsUrl) return 'the ACS URL is not the registered one';
  const signature = root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
  if (!signature) return 'the AuthnRequest is not signed';
  const verifier = new SignedXml({ publicCert: sp.certificate, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature);
  try {
    if (!verifier.checkSignature(xml)) return 'the AuthnRequest signature does not verify';
  } catch {
    return 'the AuthnRequest signature does not verify';
  }
  const classRef = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'AuthnContextClassRef')[0]?.textContent ?? undefined;
  const extension = root.getElementsByTagNameNS('https://www.akdb.de/request/2018/09', 'AuthenticationRequest')[0];
  if (!extension) return 'the akdb:AuthenticationRequest extension is missing';
  return { id, level: levelOfStork(classRef) ?? 'low' };
}

export async function startLocalBundid(dataDir: string): Promise<LocalBundid> {
  const key = loadOrCreateSamlKey(dataDir, 'idp', 'BundID test IdP (local)');
  let sp: RegisteredServiceProvider | undefined;
  const pending = new Map<string, PendingRequest>();
  let url = '';

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    void (async () => {
      if (req.method === 'POST' && path === '/sso') {
        const form = await formOf(req);
        const request = readAuthnRequest(form.get('SAMLRequest') ?? '', sp);
        if (typeof request === 'string') return page(res, 400, 'Anfrage abgelehnt', `<p data-reason="request">${escape(request)}</p>`);
        pending.set(request.id, { level: request.level, acsUrl: sp?.acsUrl ?? '' });
        const choices = TEST_IDENTITIES.map(
          (identity, index) =>
            `<li><form method="post" action="/sso/answer"><input type="hidden" name="request" value="${escape(request.id)}"><input type="hidden" name="identity" value="${index}">` +
            `<button type="submit" data-level="${identity.level}">${escape(identity.label)}: ${identity.level} (${STORK_LEVEL[identity.level]})</button></form></li>`,
        ).join('');
        return page(
          res,
          200,
          'BundID (lokale Testumgebung)',
          `<p>Angefordertes Vertrauensniveau: <strong data-requested-level="${request.level}">${request.level}</strong> (${STORK_LEVEL[request.level]}). Testidentität wählen:</p><ul>${choices}</ul>` +
            `<form method="post" action="/sso/answer"><input type="hidden" name="request" value="${escape(request.id)}"><input type="hidden" name="identity" value="cancel"><button type="submit">Abbrechen</button></form>`,
        );
      }
      if (req.method === 'POST' && path === '/sso/answer') {
        const form = await formOf(req);
        const requestId = form.get('request') ?? '';
        const request = pending.get(requestId);
        const identity = TEST_IDENTITIES[Number(form.get('identity'))];
        if (!request || !sp || !identity) return page(res, 400, 'Unbekannte Anfrage', '<p>Diese Anmeldung ist nicht (mehr) offen.</p>');
        pending.delete(requestId);
        const samlResponse = signedResponse({ identity, requestId, acsUrl: request.acsUrl, audience: sp.entityId, issuer: `${url}/idp`, key, signResponse: true });
        return page(
          res,
          200,
          'Weiterleitung',
          `<form method="post" action="${escape(request.acsUrl)}"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><button type="submit">Zurück zum Dienst</button></form>`,
        );
      }
      if (req.method === 'GET' && path === '/metadata') {
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml; charset=utf-8' });
        const certificate = key.certificate.replace(/-----[A-Z ]+-----|\s/g, '');
        return res.end(
          `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escape(`${url}/idp`)}"><md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
            `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
            `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${escape(`${url}/sso`)}"/></md:IDPSSODescriptor></md:EntityDescriptor>\n`,
        );
      }
      page(res, 404, 'Nicht gefunden', '<p>POST /sso, GET /metadata</p>');
    })().catch(() => {
      if (!res.headersSent) page(res, 400, 'Fehlerhafte Anfrage', '<p>Die Anfrage konnte nicht gelesen werden.</p>');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    entityId: `${url}/idp`,
    ssoUrl: `${url}/sso`,
    key,
    register: (registered) => {
      sp = registered;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
