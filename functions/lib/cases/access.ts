import * as z from 'zod';
import { caseId as caseIdShape, office as officeShape } from '#lib/api/schemas.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { caseNotFound, type Clerk } from './visibility.ts';

/**
 * The clerk behind a request, from the claims API Gateway's Cognito authorizer passed on, and what
 * he may see. A REST API authorizer flattens every claim to a string: `cognito:groups` arrives
 * comma-separated (`"ordnungsamt,jugendamt"`), and HTTP-API style `"[a b]"` is accepted too.
 */
export { visibleTo, type Clerk } from './visibility.ts';

const claims = z.object({
  sub: z.string().min(1).max(128),
  'cognito:groups': z.union([z.string(), z.array(z.string())]).optional(),
});

export function clerkOf(event: Pick<HttpEvent, 'requestContext'>): Clerk {
  const parsed = claims.safeParse(event.requestContext?.authorizer?.claims);
  if (!parsed.success) throw new ProblemError('unauthorized');
  const groups = parsed.data['cognito:groups'] ?? [];
  const list = Array.isArray(groups) ? groups : groups.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  return { sub: parsed.data.sub, offices: [...new Set(list.filter((group) => officeShape.safeParse(group).success))] };
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


/** The case id of the path; anything that is not a ULID names no case. */
export function caseIdOf(event: Pick<HttpEvent, 'pathParameters'>): string {
  const parsed = caseIdShape.safeParse(event.pathParameters?.caseId);
  if (!parsed.success) throw caseNotFound();
  return parsed.data;
}
