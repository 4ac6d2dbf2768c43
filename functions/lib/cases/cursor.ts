import { timingSafeEqual } from 'node:crypto';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { plainObject } from '#lib/api/patterns.ts';
import { ProblemError } from '#lib/http/problem.ts';

/**
 * Opaque cursors for paged answers: the position (the last entry's sort key) bound to the scope it
 * was issued for (a list's office and filters, an event page's case), signed with the stack's HMAC
 * secret. A forged, altered or foreign cursor is 400.
 */
export type CursorScope = Readonly<Record<string, string | undefined>>;

/** What a cursor carries: its scope and the sort key to continue after. */
export interface CursorPosition {
  s: Record<string, string>;
  a: string;
}

const MAX_POSITION_CHARS = 200;

/**
 * A decoded payload, if it has a position's shape: exactly `s` (strings by name) and `a` (at most
 * 200 characters). By hand, to keep zod off the list routes' cold start; test/unit/cases/cursorPosition.test.ts
 * holds it to the zod shape it replaces.
 */
export function positionOf(decoded: unknown): CursorPosition | undefined {
  if (!plainObject(decoded) || !Object.keys(decoded).every((key) => key === 's' || key === 'a')) return undefined;
  const { s, a } = decoded;
  if (!plainObject(s) || !Object.values(s).every((value) => typeof value === 'string')) return undefined;
  if (typeof a !== 'string' || a.length > MAX_POSITION_CHARS) return undefined;
  return { s: s as Record<string, string>, a };
}

/** The scope's defined entries in a fixed order: `{formId: undefined}` and `{}` are the same scope. */
const canonical = (scope: CursorScope): Record<string, string> =>
  Object.fromEntries(Object.entries(scope).filter((entry): entry is [string, string] => entry[1] !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));

const invalid = () =>
  new ProblemError('malformed-request', {
    detail: { de: 'Der Cursor ist ungültig oder gehört zu einer anderen Abfrage.', en: 'The cursor is invalid or belongs to another query.' },
  });

export async function issueCursor(hmac: Hmac, scope: CursorScope, after: string): Promise<string> {
  const payload = Buffer.from(JSON.stringify({ s: canonical(scope), a: after })).toString('base64url');
  return `${payload}.${(await hmac.digest('cursor', payload)).toString('base64url')}`;
}

/** The sort key to continue after, if the cursor is genuine and was issued for this very scope. */
export async function readCursor(hmac: Hmac, scope: CursorScope, cursor: string): Promise<string> {
  const [payload = '', mac = '', extra] = cursor.split('.');
  if (extra !== undefined || payload.length > 600 || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]{43}$/.test(mac)) throw invalid();
  const expected = await hmac.digest('cursor', payload);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let decoded: CursorPosition | undefined;
  try {
    decoded = positionOf(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  if (!decoded) throw invalid();
  if (JSON.stringify(canonical(decoded.s)) !== JSON.stringify(canonical(scope))) throw invalid();
  return decoded.a;
}
