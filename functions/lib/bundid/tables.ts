/**
 * Sign-ins in flight: the AuthnRequests this stack started (one-time, bound to the browser that
 * started them) and the ids of assertions already used. Items expire by TTL; nothing in them is
 * personal data (request ids, an HMAC of the browser's cookie, the level and return path asked
 * for; assertion ids as HMACs).
 */
export const signInsTable = {
  logicalName: 'signIns',
  partitionKey: 'pk',
  ttlAttribute: 'expiresAt',
} as const;

/** How long a started sign-in may take, BundID's pages included. */
export const SIGN_IN_REQUEST_TTL_SECONDS = 15 * 60;
