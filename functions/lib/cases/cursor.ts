import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { ListScope } from './items.ts';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { ProblemError } from '#lib/http/problem.ts';

/**
 * Opaque list cursors: the position (the last entry's sort key) bound to the office and filters it
 * was issued for, signed with the stack's HMAC secret. A forged, altered or foreign cursor is 400.
 */
const position = z.strictObject({ o: z.string(), f: z.string().optional(), s: z.string().optional(), a: z.string().max(200) });

const scopeOf = (scope: ListScope) => ({ o: scope.office, ...(scope.formId ? { f: scope.formId } : {}), ...(scope.status ? { s: scope.status } : {}) });

const invalid = () =>
  new ProblemError('malformed-request', {
    detail: { de: 'Der Cursor ist ungültig oder gehört zu einer anderen Abfrage.', en: 'The cursor is invalid or belongs to another query.' },
  });

export async function issueCursor(hmac: Hmac, scope: ListScope, after: string): Promise<string> {
  const payload = Buffer.from(JSON.stringify({ ...scopeOf(scope), a: after })).toString('base64url');
  return `${payload}.${(await hmac.digest('cursor', payload)).toString('base64url')}`;
}

/** The sort key to continue after, if the cursor is genuine and was issued for this very scope. */
export async function readCursor(hmac: Hmac, scope: ListScope, cursor: string): Promise<string> {
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
  const wanted = scopeOf(scope);
  if (decoded.o !== wanted.o || decoded.f !== wanted.f || decoded.s !== wanted.s) throw invalid();
  return decoded.a;
}
