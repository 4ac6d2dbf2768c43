import { ProblemError } from '#lib/http/problem.ts';
import type { CitizenIdentity } from './identity.ts';
import { satisfies, type TrustLevel } from './levels.ts';
import type { CitizenTokens } from './token.ts';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** The JWT of an `Authorization: Bearer <token>` header, or undefined for none or another shape. */
export const bearerTokenOf = (headers: Record<string, string | undefined>): string | undefined => BEARER.exec(headers.authorization ?? '')?.[1];

/**
 * The citizen behind a request (`Authorization: Bearer <citizen token>`): none, or a token that is
 * not a valid, unexpired one of this stack, is 401; a level below `needed` is 403
 * `insufficient-trust-level` (API.md, *Citizen sign-in*).
 */
export async function citizenOf(
  tokens: CitizenTokens | undefined,
  headers: Record<string, string | undefined>,
  needed: TrustLevel = 'low',
): Promise<CitizenIdentity> {
  const unauthorized = () =>
    new ProblemError('unauthorized', {
      detail: { de: 'Bitte melden Sie sich mit BundID an.', en: 'Please sign in with BundID.' },
      headers: { 'WWW-Authenticate': 'Bearer realm="citizen"' },
    });
  const token = bearerTokenOf(headers);
  if (!token || !tokens) throw unauthorized();
  const identity = await tokens.verify(token);
  if (!identity) throw unauthorized();
  if (!satisfies(identity.level, needed)) {
    throw new ProblemError('insufficient-trust-level', {
      detail: {
        de: `Dieses Formular verlangt eine Anmeldung mit dem Vertrauensniveau „${needed}“; Ihre Anmeldung hat „${identity.level}“.`,
        en: `This form needs a sign-in at level "${needed}"; yours is "${identity.level}".`,
      },
    });
  }
  return identity;
}
