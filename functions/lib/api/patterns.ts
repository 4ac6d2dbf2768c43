/**
 * The patterns of ids and names, and the JSON-object test, that the API shapes (schemas.ts, zod)
 * and the hand-written checks of the cold-start paths (cases/access.ts, submit/request.ts) both
 * use: one definition each, no zod here.
 */

/** A JSON object: not null, not an array. */
export const plainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A ULID: 26 characters of Crockford base32 (case ids, attachment ids). */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** An office (Cognito group) or form id. */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;
