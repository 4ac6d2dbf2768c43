/**
 * The patterns of ids and names, and the JSON-object test, that the API shapes (schemas.ts, zod)
 * and the hand-written checks of the cold-start paths (cases/access.ts, submit/request.ts,
 * messages/request.ts) both use: one definition each, no zod here.
 */

/** A JSON object: not null, not an array. */
export const plainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A ULID: 26 characters of Crockford base32 (case ids, attachment ids). */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** An office (Cognito group) or form id. */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** Base64 of a SHA-256 digest (44 characters), as a file's upload ticket names its bytes. */
export const SHA256_BASE64_PATTERN = /^[A-Za-z0-9+/]{43}=$/;
/** A JSON Pointer into a form's data (an attachment's `field`): one or more `/`-led tokens. */
export const DATA_POINTER_PATTERN = /^(\/[^/]*)+$/;
/**
 * A file's name as a citizen or clerk chose it: no path, no control characters: C0/C1 (Cc), nor
 * format and bidi controls (Cf: U+202E would show "gpj.exe" as "exe.jpg"; zero-width characters),
 * nor line and paragraph separators.
 */
export const FILE_NAME_PATTERN = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\\]+$/u;
