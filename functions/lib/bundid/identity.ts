import { ATTRIBUTE_NAMES, TRUST_LEVELS, type AttributeName, type TrustLevel } from './levels.ts';
import { z } from 'zod';

/**
 * A citizen's identity as BundID asserted it: the level achieved, the attributes released (by
 * name, ATTRIBUTE_OIDS), when, and `sub`, an HMAC of the bPK2 under the stack's secret (never the
 * bPK2). What the citizen token carries, what a submission seals inside the case's envelope, and
 * what clerks and deliveries see as `authentication`.
 */
export interface CitizenIdentity {
  readonly provider: 'bundid';
  readonly sub: string;
  readonly level: TrustLevel;
  readonly attributes: Partial<Record<AttributeName, string>>;
  /** RFC 3339: when BundID authenticated the citizen. */
  readonly authenticatedAt: string;
}

export const citizenIdentityShape = z.strictObject({
  provider: z.literal('bundid'),
  sub: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  level: z.enum(TRUST_LEVELS),
  attributes: z.strictObject(Object.fromEntries(ATTRIBUTE_NAMES.map((name) => [name, z.string().max(1000).optional()])) as Record<AttributeName, z.ZodOptional<z.ZodString>>),
  authenticatedAt: z.iso.datetime({ offset: false }),
});
