import { ATTRIBUTE_NAMES, TRUST_LEVELS, type AttributeName, type TrustLevel } from './levels.ts';

/**
 * A citizen's identity as BundID asserted it: the level achieved, the attributes released (by
 * name, ATTRIBUTE_OIDS), when, and `sub`, an HMAC of the bPK2 under the stack's secret (never the
 * bPK2). What the citizen token carries, what a submission seals inside the case's envelope, and
 * what clerks and deliveries see as `authentication` (without `sub`).
 */
export interface CitizenIdentity {
  readonly provider: 'bundid';
  readonly sub: string;
  readonly level: TrustLevel;
  readonly attributes: Partial<Record<AttributeName, string>>;
  /** RFC 3339: when BundID authenticated the citizen. */
  readonly authenticatedAt: string;
}

const SUB = /^[A-Za-z0-9_-]{43}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const MAX_ATTRIBUTE_CHARS = 1000;

/**
 * The identity in a verified token's claims, or undefined when anything is off. By hand, not with
 * zod: submit verifies tokens, and its cold start loads no zod (functions/submit/request.ts).
 */
export function identityOf(claims: Record<string, unknown>): CitizenIdentity | undefined {
  const { provider, sub, level, attributes, authenticatedAt } = claims;
  if (provider !== 'bundid' || typeof sub !== 'string' || !SUB.test(sub)) return undefined;
  const knownLevel = TRUST_LEVELS.find((candidate) => candidate === level);
  if (!knownLevel || typeof authenticatedAt !== 'string' || !INSTANT.test(authenticatedAt)) return undefined;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return undefined;
  const released: Partial<Record<AttributeName, string>> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const known = ATTRIBUTE_NAMES.find((candidate) => candidate === name);
    if (!known || typeof value !== 'string' || value.length > MAX_ATTRIBUTE_CHARS) return undefined;
    released[known] = value;
  }
  return { provider, sub, level: knownLevel, attributes: released, authenticatedAt };
}
