/**
 * BundID's trust levels and the attributes it releases (API.md, *Citizen sign-in (BundID)*). The
 * levels are eIDAS' names for BundID's STORK QAA levels; a form names the least it accepts.
 */

export const TRUST_LEVELS = ['low', 'substantial', 'high'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

/** The STORK URI of each level: RequestedAuthnContext (minimum) and the assertion's AuthnContextClassRef. */
export const STORK_LEVEL: Readonly<Record<TrustLevel, string>> = {
  low: 'STORK-QAA-Level-1',
  substantial: 'STORK-QAA-Level-3',
  high: 'STORK-QAA-Level-4',
};

/** The level a STORK URI names; undefined for anything else (Level-2 is not used by BundID). */
export function levelOfStork(uri: string | undefined): TrustLevel | undefined {
  return TRUST_LEVELS.find((level) => STORK_LEVEL[level] === uri?.trim());
}

/** Whether a sign-in at `achieved` satisfies a form or request that needs `needed`. */
export function satisfies(achieved: TrustLevel, needed: TrustLevel): boolean {
  return TRUST_LEVELS.indexOf(achieved) >= TRUST_LEVELS.indexOf(needed);
}

/** The attributes of a citizen's identity that a form may prefill from, by their BundID OIDs. */
export const ATTRIBUTE_OIDS = {
  surname: '2.5.4.4',
  givenName: '2.5.4.42',
  birthdate: '1.2.40.0.10.2.1.1.55',
  postalAddress: '2.5.4.16',
  postalCode: '2.5.4.17',
  locality: '2.5.4.7',
  mail: '0.9.2342.19200300.100.1.3',
} as const;
export type AttributeName = keyof typeof ATTRIBUTE_OIDS;
export const ATTRIBUTE_NAMES = Object.keys(ATTRIBUTE_OIDS) as AttributeName[];

/** The bPK2: BundID's pseudonym of the citizen for this service provider. Never stored, never in a token. */
export const BPK2_OID = '1.3.6.1.4.1.25484.494450.3';
/** The level BundID says it achieved, beside the AuthnContextClassRef. */
export const LEVEL_OID = '1.2.40.0.10.2.1.1.261.94';

/** SAML attribute names are `urn:oid:<oid>` (the URI name format BundID uses). */
export const attributeName = (oid: string): string => `urn:oid:${oid}`;

/** What a request asks BundID to release: every attribute, the bPK2 and the level, the bPK2 required. */
export const REQUESTED_OIDS: readonly { oid: string; required: boolean }[] = [
  { oid: BPK2_OID, required: true },
  ...ATTRIBUTE_NAMES.map((name) => ({ oid: ATTRIBUTE_OIDS[name], required: false })),
  { oid: LEVEL_OID, required: false },
];
