import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { ProblemError } from '#lib/http/problem.ts';

/**
 * Opaque cursors for paged answers: the position (the last entry's sort key) bound to the scope it
 * was issued for (a list's office and filters, an event page's case), signed with the stack's HMAC
 * secret. A forged, altered or foreign cursor is 400.
 */
export type CursorScope = Readonly<Record<string, string | undefined>>;

const position = z.strictObject({ s: z.record(z.string(), z.string()), a: z.string().max(200) });

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
  let decoded: z.infer<typeof position>;
  try {
    decoded = position.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  if (JSON.stringify(canonical(decoded.s)) !== JSON.stringify(canonical(scope))) throw invalid();
  return decoded.a;
}
