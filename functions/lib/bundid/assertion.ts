import type { Profile } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import type { CitizenIdentity } from './identity.ts';
import { ATTRIBUTE_NAMES, ATTRIBUTE_OIDS, attributeName, BPK2_OID, LEVEL_OID, levelOfStork, satisfies, TRUST_LEVELS, type AttributeName, type TrustLevel } from './levels.ts';
import { signedAssertionOf } from './serviceProvider.ts';
import type { SignInSettings } from './settings.ts';
import type { SignInStore, StartedSignIn } from './signIns.ts';

/**
 * The ACS's checks of a SAMLResponse, in order (API.md, *Citizen sign-in*; docs/threat-model.md,
 * *The SAML boundary*): signature of the assertion, audience and validity window (node-saml,
 * serviceProvider.ts), then issuer, destination and recipient, InResponseTo of a request this
 * browser started (one-time), the assertion id one-time, and the level achieved at least the one
 * requested. Everything is read from the signed assertion only; of the unsigned response around it
 * only `Destination` and `InResponseTo` are read, and both must agree with the signed values.
 */
export type SignInFailure =
  | 'invalid-signature'
  | 'wrong-audience'
  | 'expired'
  | 'wrong-issuer'
  | 'wrong-destination'
  | 'unknown-request'
  | 'replayed'
  | 'insufficient-level'
  | 'incomplete'
  | 'cancelled';

export class SignInRefused extends Error {
  readonly reason: SignInFailure;
  constructor(reason: SignInFailure) {
    super(`sign-in refused: ${reason}`);
    this.reason = reason;
  }
}

export interface AcceptedSignIn {
  identity: Omit<CitizenIdentity, 'sub'> & { bpk2: string };
  started: StartedSignIn;
}

/** node-saml's refusals by what failed (it throws plain errors). */
function libraryFailure(error: unknown): SignInFailure {
  const message = error instanceof Error ? error.message : '';
  if (/audience/i.test(message)) return 'wrong-audience';
  if (/expired|not yet valid|NotBefore|NotOnOrAfter|max(imum)? age/i.test(message)) return 'expired';
  if (/SAML provider returned .*(AuthnFailed|RequestDenied|NoPassive)/i.test(message)) return 'cancelled';
  return 'invalid-signature';
}

type XmlJs = Record<string, unknown>;
const first = (value: unknown): XmlJs | undefined => (Array.isArray(value) ? (value[0] as XmlJs | undefined) : undefined);
const attr = (node: XmlJs | undefined, name: string): string | undefined => (node?.$ as Record<string, string> | undefined)?.[name];
const text = (node: XmlJs | undefined): string | undefined => (typeof node?._ === 'string' ? node._.trim() : undefined);

/** The unsigned response's own attributes (Destination, InResponseTo): only compared, never trusted alone. */
function responseAttributes(responseXml: string): { destination?: string; inResponseTo?: string } {
  const root = new DOMParser().parseFromString(responseXml, 'text/xml').documentElement;
  return { destination: root?.getAttribute('Destination') ?? undefined, inResponseTo: root?.getAttribute('InResponseTo') ?? undefined };
}

function attributeValue(profile: Profile, oid: string): string | undefined {
  const value = (profile.attributes as Record<string, unknown> | undefined)?.[attributeName(oid)];
  if (typeof value === 'string') return value.trim();
  // An attribute sent twice is ambiguous: refuse to pick one.
  return undefined;
}

export interface AcsDeps {
  settings: SignInSettings;
  signIns: SignInStore;
  now?: () => Date;
}

/** Checks a SAMLResponse for this browser; throws SignInRefused naming the first check that fails. */
export async function acceptSignIn(deps: AcsDeps, samlResponse: string, browserCookie: string | undefined): Promise<AcceptedSignIn> {
  const { settings } = deps;
  const now = (deps.now ?? (() => new Date()))();
  let signed: Awaited<ReturnType<typeof signedAssertionOf>>;
  try {
    signed = await signedAssertionOf(settings, samlResponse);
  } catch (error) {
    throw new SignInRefused(libraryFailure(error));
  }
  const { profile, responseXml } = signed;
  if (profile.issuer !== settings.idp.entityId) throw new SignInRefused('wrong-issuer');

  const assertion = (profile.getAssertion?.() as { Assertion?: XmlJs } | undefined)?.Assertion;
  const confirmation = first(first(first(assertion?.Subject)?.SubjectConfirmation)?.SubjectConfirmationData);
  const response = responseAttributes(responseXml);
  if (attr(confirmation, 'Recipient') !== settings.sp.acsUrl) throw new SignInRefused('wrong-destination');
  if (response.destination !== undefined && response.destination !== settings.sp.acsUrl) throw new SignInRefused('wrong-destination');

  const requestId = attr(confirmation, 'InResponseTo');
  if (!requestId || (response.inResponseTo !== undefined && response.inResponseTo !== requestId)) throw new SignInRefused('unknown-request');

  const assertionId = attr(assertion, 'ID');
  const notOnOrAfter = attr(confirmation, 'NotOnOrAfter') ?? attr(first(assertion?.Conditions), 'NotOnOrAfter');
  if (!assertionId || !notOnOrAfter) throw new SignInRefused('incomplete');
  if (!(await deps.signIns.useAssertion(assertionId, new Date(notOnOrAfter)))) throw new SignInRefused('replayed');

  const started = await deps.signIns.consume(requestId, browserCookie);
  if (!started) throw new SignInRefused('unknown-request');

  const authnStatement = first(assertion?.AuthnStatement);
  const classRef = text(first(first(authnStatement?.AuthnContext)?.AuthnContextClassRef));
  const byContext = levelOfStork(classRef);
  const byAttribute = attributeValue(profile, LEVEL_OID);
  const attributeLevel = byAttribute === undefined ? byContext : TRUST_LEVELS.find((level) => level === byAttribute.toLowerCase()) ?? levelOfStork(byAttribute);
  // Both must name a level; where they differ, the lower one counts.
  const achieved: TrustLevel | undefined =
    byContext && attributeLevel ? (satisfies(byContext, attributeLevel) ? attributeLevel : byContext) : undefined;
  if (!achieved || !satisfies(achieved, started.level)) throw new SignInRefused('insufficient-level');

  const bpk2 = attributeValue(profile, BPK2_OID);
  if (!bpk2) throw new SignInRefused('incomplete');
  const attributes: Partial<Record<AttributeName, string>> = {};
  for (const name of ATTRIBUTE_NAMES) {
    const value = attributeValue(profile, ATTRIBUTE_OIDS[name]);
    if (value) attributes[name] = value;
  }
  const authenticatedAt = attr(authnStatement, 'AuthnInstant');
  return {
    started,
    identity: {
      provider: 'bundid',
      bpk2,
      level: achieved,
      attributes,
      authenticatedAt: new Date(authenticatedAt && !Number.isNaN(Date.parse(authenticatedAt)) ? authenticatedAt : now.toISOString()).toISOString(),
    },
  };
}
