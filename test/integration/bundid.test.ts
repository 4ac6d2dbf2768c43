// Citizen sign-in with BundID (API.md, *Citizen sign-in*; docs/threat-model.md, *The SAML
// boundary*): the login page and its AuthnRequest, the metadata, every check of the ACS provoked
// over HTTP with responses signed by the test IdP's own key, and the citizen token at work:
// submissions of a form that needs sign-in, GET /me/cases, the identity for clerks.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { assertionXml, responseAround, samlId, signElement } from '../../infra/local/bundidResponses.ts';
import { TEST_IDENTITIES } from '../../infra/local/bundidIdp.ts';
import { ATTRIBUTE_OIDS, BPK2_OID, LEVEL_OID, STORK_LEVEL, TRUST_LEVELS, satisfies, type TrustLevel } from '../../functions/lib/bundid/levels.ts';
import { call, clerkToken } from '../support/api.ts';
import { answer, identityAt, idpKey, localSignInSettings, postAcs, signIn, startLogin } from '../support/bundid.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { plantMarkers } from '../support/markers.ts';
import { stackInfo } from '../support/api.ts';
import { until } from '../support/waiting.ts';

const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const signedForm = formCatalogue().list().find((form) => form.authentication?.level === 'substantial');

beforeAll(() => {
  // A bPK2 is the citizen's pseudonym at BundID: never in a log line.
  plantMarkers(TEST_IDENTITIES.map((identity) => identity.bpk2));
});

describe('GET /auth/bundid/login', () => {
  it('posts a signed AuthnRequest with RequestedAuthnContext minimum of the level and the akdb extension', async () => {
    for (const level of TRUST_LEVELS) {
      const login = await startLogin(level);
      expect(login.status).toBe(200);
      const root = new DOMParser().parseFromString(login.authnRequestXml ?? '', 'text/xml').documentElement!;
      expect(root.localName).toBe('AuthnRequest');
      expect(root.getAttribute('AssertionConsumerServiceURL')).toBe(localSignInSettings().sp.acsUrl);
      expect(root.getAttribute('Destination')).toBe(localSignInSettings().idp.ssoUrl);
      expect(login.html).toContain(`action="${localSignInSettings().idp.ssoUrl}"`);
      const requested = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:protocol', 'RequestedAuthnContext')[0]!;
      expect(requested.getAttribute('Comparison')).toBe('minimum');
      expect(requested.textContent?.trim()).toBe(STORK_LEVEL[level]);
      expect(root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')).toHaveLength(1);
      const requestedOids = Array.from(root.getElementsByTagNameNS('https://www.akdb.de/request/2018/09', 'RequestedAttribute'), (node) => node.getAttribute('Name'));
      expect(requestedOids).toEqual(expect.arrayContaining([BPK2_OID, LEVEL_OID, ...Object.values(ATTRIBUTE_OIDS)].map((oid) => `urn:oid:${oid}`)));
      const display = root.getElementsByTagNameNS('https://www.akdb.de/request/2018/09/classic-ui/v1', 'OnlineServiceId')[0];
      expect(display?.textContent).toBe(localSignInSettings().display.onlineServiceId);
    }
  });

  it('binds the request to the browser with an HttpOnly, Secure, SameSite=None host cookie', async () => {
    const login = await startLogin('low');
    expect(login.setCookie).toMatch(/^__Host-bundid-sign-in=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; Secure; HttpOnly; SameSite=None$/);
  });

  it.each([
    ['an absolute URL', 'https://evil.example/portal/'],
    ['a scheme-relative URL', '//evil.example/portal/'],
    ['a path outside the portal', '/cases/'],
    ['a backslash', '/portal/\\evil.example'],
    ['a dot segment', '/portal/../cases'],
    ['an encoded dot segment', '/portal/%2e%2e/cases'],
  ])('refuses %s as returnTo (no open redirect): a page, no cookie, no request', async (_name, returnTo) => {
    const login = await startLogin('low', returnTo);
    expect(login.status).toBe(400);
    expect(login.html).toContain('data-reason="bad-request"');
    expect(login.setCookie).toBeNull();
    expect(login.requestId).toBeUndefined();
  });

  it('refuses an unknown level', async () => {
    const login = await startLogin('medium');
    expect(login.status).toBe(400);
    expect(login.requestId).toBeUndefined();
  });
});

describe('GET /auth/bundid/metadata', () => {
  it("is the SP's metadata: entity id, signed requests, signed assertions, the ACS with HTTP-POST, the signing certificate", async () => {
    const response = await fetch(`${localSignInSettings().sp.entityId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    const root = new DOMParser().parseFromString(await response.text(), 'text/xml').documentElement!;
    expect(root.getAttribute('entityID')).toBe(localSignInSettings().sp.entityId);
    const sp = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'SPSSODescriptor')[0]!;
    expect(sp.getAttribute('AuthnRequestsSigned')).toBe('true');
    expect(sp.getAttribute('WantAssertionsSigned')).toBe('true');
    const acs = sp.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'AssertionConsumerService')[0]!;
    expect(acs.getAttribute('Location')).toBe(localSignInSettings().sp.acsUrl);
    expect(acs.getAttribute('Binding')).toBe('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    const certificate = sp.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'X509Certificate')[0]?.textContent?.replace(/\s/g, '');
    expect(localSignInSettings().sp.certificate.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(certificate);
  });
});

describe('POST /auth/bundid/acs', () => {
  it('redirects to returnTo with a citizen token in the fragment: sub an HMAC of the bPK2, level, attributes, at most 30 minutes', async () => {
    const login = await startLogin('substantial', '/portal/forms/wohngeld?step=2');
    const acs = await postAcs(answer(login.requestId!), login.cookie);
    expect(acs.status).toBe(303);
    const location = new URL(acs.location!);
    expect(`${location.origin}${location.pathname}${location.search}`).toBe(`${new URL(localSignInSettings().portalUrl).origin}/portal/forms/wohngeld?step=2`);
    plantMarkers([acs.token!]);
    const claims = JSON.parse(Buffer.from(acs.token!.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const identity = identityAt('substantial');
    expect(claims).toMatchObject({ level: 'substantial', attributes: identity.attributes, provider: 'bundid' });
    expect(claims.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(claims)).not.toContain(identity.bpk2);
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(30 * 60);
  });

  it("logs the sign-in with its trust level, and no field Powertools would drop (the stack's log)", async () => {
    const login = await startLogin('substantial', '/portal/');
    expect((await postAcs(answer(login.requestId!), login.cookie)).status).toBe(303);
    const lines = await until('the sign-in in the log', () => {
      const found = readFileSync(join(stackInfo().dataDir, 'stack-output.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"citizen signed in"'));
      return found.length > 0 ? found : undefined;
    }, 30_000);
    const levels = lines.map((line) => (JSON.parse(line.slice(line.indexOf('{'))) as { trustLevel?: string }).trustLevel);
    expect(levels).toContain('substantial');
    for (const level of levels) expect(TRUST_LEVELS).toContain(level);
    expect(readFileSync(join(stackInfo().dataDir, 'stack-output.log'), 'utf8')).not.toContain('is a reserved key');
  });

  it('gives the same citizen the same sub on every sign-in, another citizen another', async () => {
    const sub = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;
    const [first, second, other] = [await signIn('substantial'), await signIn('substantial'), await signIn('high')];
    plantMarkers([first, second, other]);
    expect(sub(first)).toBe(sub(second));
    expect(sub(other)).not.toBe(sub(first));
  });

  /** Starts a sign-in and posts what `build` makes of its request id; the ACS's answer. */
  async function refusal(build: (requestId: string) => string, level: TrustLevel = 'substantial') {
    const login = await startLogin(level);
    return postAcs(build(login.requestId!), login.cookie);
  }
  const settings = () => localSignInSettings();

  it.each<[string, string, (requestId: string) => string]>([
    ['a tampered assertion (bad signature)', 'invalid-signature', (id) => base64(Buffer.from(answer(id), 'base64').toString('utf8').replace('Gabler', 'Mallory'))],
    ['an assertion signed by another key', 'invalid-signature', (id) => answer(id, { key: { ...idpKey(), privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey } })],
    ['no signature at all', 'invalid-signature', (id) => answer(id, { signAssertion: false })],
    ['a signed response around an unsigned assertion', 'invalid-signature', (id) => answer(id, { signAssertion: false, signResponse: true })],
    ['a signed assertion beside an unsigned one (signature wrapping)', 'invalid-signature', (id) => {
      const options = { identity: identityAt('substantial'), requestId: id, acsUrl: settings().sp.acsUrl, audience: settings().sp.entityId, issuer: settings().idp.entityId, key: idpKey() };
      const genuine = assertionXml({ ...options, identity: identityAt('low'), level: 'low' });
      const evil = assertionXml({ ...options, identity: { ...identityAt('high'), bpk2: 'VICTIM' } });
      return base64(responseAround(options, evil.xml + signElement(genuine.xml, 'Assertion', genuine.id, idpKey())));
    }],
    ['an unsigned assertion wrapped around a signed one (signature wrapping)', 'invalid-signature', (id) => {
      const options = { identity: identityAt('low'), requestId: id, acsUrl: settings().sp.acsUrl, audience: settings().sp.entityId, issuer: settings().idp.entityId, key: idpKey() };
      const genuine = assertionXml(options);
      const signed = signElement(genuine.xml, 'Assertion', genuine.id, idpKey());
      const evil = assertionXml({ ...options, identity: { ...identityAt('high'), bpk2: 'VICTIM' }, assertionId: samlId() });
      // The signed original hides in the evil assertion's Advice; the signature's reference still finds it by ID.
      const wrapped = evil.xml.replace('</saml2:Conditions>', `</saml2:Conditions><saml2:Advice>${signed}</saml2:Advice>`);
      return base64(responseAround(options, wrapped));
    }],
    ['another issuer (signed with the IdP key)', 'wrong-issuer', (id) => answer(id, { issuer: 'https://idp.evil.example/' })],
    ['another audience', 'wrong-audience', (id) => answer(id, { audience: 'https://other-service.example/' })],
    ['another recipient', 'wrong-destination', (id) => answer(id, { acsUrl: 'https://other-service.example/acs' })],
    ['another Destination on the response', 'wrong-destination', (id) => answer(id, { destination: 'https://other-service.example/acs' })],
    ['an expired assertion', 'expired', (id) => answer(id, { now: new Date(Date.now() - 20 * 60_000), validForSeconds: 300 })],
    ['an assertion not yet valid', 'expired', (id) => answer(id, { now: new Date(Date.now() + 20 * 60_000) })],
    ['an unknown InResponseTo', 'unknown-request', () => answer(`_${randomUUID().replaceAll('-', '')}`)],
  ])('refuses %s with a page naming it, and no token', async (_name, reason, build) => {
    const acs = await refusal(build);
    expect({ status: acs.status, reason: acs.reason, location: acs.location }).toEqual({ status: 400, reason, location: null });
    expect(acs.html).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
  });

  it('refuses an identity below the requested level with 403 and a page that says so', async () => {
    const acs = await refusal((id) => answer(id, { identity: identityAt('low') }), 'substantial');
    expect({ status: acs.status, reason: acs.reason, location: acs.location }).toEqual({ status: 403, reason: 'insufficient-level', location: null });
    expect(acs.html).toContain('Vertrauensniveau');
    expect(acs.html).toContain('trust level');
  });

  it('takes the lower level where the AuthnContextClassRef and the level attribute differ', async () => {
    const mixed = await refusal((id) => {
      const options = { identity: identityAt('high'), requestId: id, acsUrl: settings().sp.acsUrl, audience: settings().sp.entityId, issuer: settings().idp.entityId, key: idpKey() };
      const assertion = assertionXml({ ...options, level: 'high' });
      const lowered = assertion.xml.replace(/(Name="urn:oid:1\.2\.40\.0\.10\.2\.1\.1\.261\.94"[^>]*><saml2:AttributeValue[^>]*>)high/, '$1low');
      expect(lowered).not.toBe(assertion.xml);
      return base64(responseAround(options, signElement(lowered, 'Assertion', assertion.id, idpKey())));
    }, 'substantial');
    expect({ status: mixed.status, reason: mixed.reason }).toEqual({ status: 403, reason: 'insufficient-level' });
  });

  it('refuses a replayed response: the same assertion id is one-time', async () => {
    const login = await startLogin('substantial');
    const response = answer(login.requestId!);
    expect((await postAcs(response, login.cookie)).status).toBe(303);
    const again = await postAcs(response, login.cookie);
    expect({ status: again.status, reason: again.reason }).toEqual({ status: 400, reason: 'replayed' });
  });

  it('refuses a reused InResponseTo: a fresh assertion for a request already answered', async () => {
    const login = await startLogin('substantial');
    expect((await postAcs(answer(login.requestId!), login.cookie)).status).toBe(303);
    const second = await postAcs(answer(login.requestId!), login.cookie);
    expect({ status: second.status, reason: second.reason }).toEqual({ status: 400, reason: 'unknown-request' });
  });

  it('refuses a request another browser started (no cookie, or another one), and the request is gone for its own browser too', async () => {
    const victim = await startLogin('substantial');
    const other = await startLogin('substantial');
    expect((await postAcs(answer(victim.requestId!), undefined)).reason).toBe('unknown-request');
    const attacker = await startLogin('substantial');
    expect((await postAcs(answer(other.requestId!), attacker.cookie)).reason).toBe('unknown-request');
    expect((await postAcs(answer(other.requestId!), other.cookie)).reason).toBe('unknown-request');
  });

  it('answers a body without SAMLResponse with a page, not a token', async () => {
    const acs = await postAcs('', undefined);
    expect(acs.status).toBe(400);
    expect(acs.reason).toBe('bad-request');
  });
});

describe('the citizen token at work', () => {
  const form = () => {
    if (!signedForm) throw new Error('no shipped form needs sign-in at substantial');
    return signedForm;
  };
  const submit = (token: string | undefined, key = `bundid-${randomUUID()}`) =>
    call('POST', `/forms/${form().id}/submissions`, {
      body: { data: sampleOf(form().id) },
      headers: { 'Idempotency-Key': key, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    });

  it('a form that needs sign-in refuses a submission without a token (401), with a forged one (401), at a lower level (403)', async () => {
    const none = await submit(undefined);
    expect([none.status, none.body.type]).toEqual([401, 'urn:problem:unauthorized']);
    const token = await signIn('substantial');
    plantMarkers([token]);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const bad = await submit(forged);
    expect([bad.status, bad.body.type]).toEqual([401, 'urn:problem:unauthorized']);
    const low = await signIn('low');
    plantMarkers([low]);
    expect(satisfies('low', form().authentication!.level)).toBe(false);
    const refused = await submit(low);
    expect([refused.status, refused.body.type]).toEqual([403, 'urn:problem:insufficient-trust-level']);
  });

  it('accepts the level or higher; the case shows under GET /me/cases of that citizen only, newest first', async () => {
    const token = await signIn('substantial');
    const other = await signIn('high');
    plantMarkers([token, other]);
    const first = await submit(token);
    const second = await submit(token);
    expect([first.status, second.status]).toEqual([201, 201]);
    const mine = await call('GET', '/me/cases', { headers: { Authorization: `Bearer ${token}` } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('no-store');
    const references = (mine.body.items as { reference: string }[]).map((item) => item.reference);
    expect(references.indexOf(second.body.reference)).toBeLessThan(references.indexOf(first.body.reference));
    expect(references.indexOf(second.body.reference)).toBeGreaterThanOrEqual(0);
    expect(Object.keys(mine.body.items[0]).sort()).toEqual(['formId', 'receivedAt', 'reference', 'status', 'updatedAt']);
    const theirs = await call('GET', '/me/cases', { headers: { Authorization: `Bearer ${other}` } });
    expect((theirs.body.items as { reference: string }[]).map((item) => item.reference)).not.toContain(first.body.reference);
    expect((await call('GET', '/me/cases')).status).toBe(401);
  });

  it('stores the identity inside the envelope: the clerk sees it beside the data', async () => {
    const token = await signIn('high');
    plantMarkers([token]);
    const created = await submit(token);
    expect(created.status).toBe(201);
    const clerk = await clerkToken('bundid-clerk', [form().office]);
    const read = await call('GET', `/cases/${created.body.caseId}`, { headers: { Authorization: `Bearer ${clerk}` } });
    expect(read.status).toBe(200);
    expect(read.body.authentication).toEqual({
      provider: 'bundid',
      level: 'high',
      attributes: identityAt('high').attributes,
      authenticatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(JSON.stringify(read.body)).not.toContain(identityAt('high').bpk2);
  });

  it("scopes a signed-in citizen's Idempotency-Key to that citizen", async () => {
    const key = `bundid-shared-${randomUUID()}`;
    const [a, b] = [await signIn('substantial'), await signIn('high')];
    plantMarkers([a, b]);
    const first = await submit(a, key);
    const replay = await submit(a, key);
    const other = await submit(b, key);
    expect(replay.body.caseId).toBe(first.body.caseId);
    expect(other.status).toBe(422);
  });
});
