import type { DataKey, SealedPart } from '#lib/crypto/envelope.ts';
import type { CitizenIdentity } from '#lib/bundid/identity.ts';

/**
 * The identity of a citizen who signed in to submit, inside the case's envelope: sealed under the
 * case's data key as its own part (`identity`, AAD bound to the case like the data), so it opens
 * wherever the data opens and nowhere else. What clerks and deliveries see as `authentication`:
 * provider, level, attributes and time, never `sub` (the citizen's pseudonym stays with the index).
 */
const PART = 'identity';

export type Authentication = Omit<CitizenIdentity, 'sub'>;

export function sealIdentity(key: DataKey, identity: CitizenIdentity): SealedPart {
  const { sub: _sub, ...authentication } = identity;
  return key.seal(PART, Buffer.from(JSON.stringify(authentication), 'utf8'));
}

/** The stored identity of a case, or null for a case submitted without sign-in. */
export function openIdentity(key: DataKey, sealed: SealedPart | undefined): Authentication | null {
  return sealed ? (JSON.parse(key.open(PART, sealed).toString('utf8')) as Authentication) : null;
}
