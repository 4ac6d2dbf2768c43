import { SLUG_PATTERN, ULID_PATTERN } from '#lib/api/patterns.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { caseNotFound, type Clerk } from './visibility.ts';

/**
 * The clerk behind a request, from the claims API Gateway's Cognito authorizer passed on, and what
 * he may see. A REST API authorizer flattens every claim to a string: `cognito:groups` arrives
 * comma-separated (`"<office>,<office>"`), and HTTP-API style `"[a b]"` is accepted too.
 */
export { visibleTo, type Clerk } from './visibility.ts';

/**
 * The claims a clerk route needs: `sub` (1-128 characters) and optionally `cognito:groups` (a
 * string or an array of strings); anything else is 401. Checked by hand, not with zod, so that the
 * clerk functions' cold start does not load it.
 */
export function clerkOf(event: Pick<HttpEvent, 'requestContext'>): Clerk {
  const claims: unknown = event.requestContext?.authorizer?.claims;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new ProblemError('unauthorized');
  const { sub, 'cognito:groups': groups = [] } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length < 1 || sub.length > 128) throw new ProblemError('unauthorized');
  const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (typeof groups !== 'string' && !strings(groups)) throw new ProblemError('unauthorized');
  const list = Array.isArray(groups) ? groups : groups.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  return { sub, offices: [...new Set(list.filter((group) => SLUG_PATTERN.test(group)))] };
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
  const caseId = event.pathParameters?.caseId;
  if (typeof caseId !== 'string' || !ULID_PATTERN.test(caseId)) throw caseNotFound();
  return caseId;
}
