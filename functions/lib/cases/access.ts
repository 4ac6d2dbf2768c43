import * as z from 'zod';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';

/**
 * The clerk behind a request, from the claims API Gateway's Cognito authorizer passed on. A REST
 * API authorizer flattens every claim to a string: `cognito:groups` arrives comma-separated
 * (`"ordnungsamt,jugendamt"`), and HTTP-API style `"[a b]"` is accepted too.
 */
export interface Clerk {
  sub: string;
  offices: string[];
}

const OFFICE = /^[a-z][a-z0-9-]{1,62}$/;

const claims = z.object({
  sub: z.string().min(1).max(128),
  'cognito:groups': z.union([z.string(), z.array(z.string())]).optional(),
});

export function clerkOf(event: Pick<HttpEvent, 'requestContext'>): Clerk {
  const parsed = claims.safeParse(event.requestContext?.authorizer?.claims);
  if (!parsed.success) throw new ProblemError('unauthorized');
  const groups = parsed.data['cognito:groups'] ?? [];
  const list = Array.isArray(groups) ? groups : groups.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  return { sub: parsed.data.sub, offices: [...new Set(list.filter((group) => OFFICE.test(group)))] };
}

/** The office a list request is about: the asked one if it is the clerk's, or his only one. */
export function officeFor(clerk: Clerk, asked: string | undefined): string {
  if (asked !== undefined) {
    if (!clerk.offices.includes(asked)) throw new ProblemError('forbidden');
    return asked;
  }
  if (clerk.offices.length === 1) return clerk.offices[0]!;
  if (clerk.offices.length === 0) throw new ProblemError('forbidden');
  throw new ProblemError('malformed-request', {
    detail: { de: 'Bitte das Amt mit ?office= angeben.', en: 'Name the office with ?office=.' },
  });
}

/** A case of another office is answered exactly like a case that does not exist. */
export function assertMayAccess(clerk: Clerk, office: string | undefined): asserts office is string {
  if (office === undefined || !clerk.offices.includes(office)) {
    throw new ProblemError('not-found', { detail: { de: 'Vorgang nicht gefunden.', en: 'Case not found.' } });
  }
}

export const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function caseIdOf(event: Pick<HttpEvent, 'pathParameters'>): string {
  const caseId = event.pathParameters?.caseId ?? '';
  if (!CASE_ID.test(caseId)) throw new ProblemError('not-found', { detail: { de: 'Vorgang nicht gefunden.', en: 'Case not found.' } });
  return caseId;
}
