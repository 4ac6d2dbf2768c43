import { ProblemError } from '#lib/http/problem.ts';

/**
 * What a clerk may see: the offices he belongs to decide (access.ts reads him from the request).
 * A module of its own, without zod, so that the case store (which submit ships) does not load it.
 */
export interface Clerk {
  sub: string;
  offices: string[];
}

export const caseNotFound = () => new ProblemError('not-found', { detail: { de: 'Vorgang nicht gefunden.', en: 'Case not found.' } });

/** What a clerk may see of a loaded case: all of it if it is his office's, else a 404 like for a case that does not exist. */
export function visibleTo<T extends { summary: { office: string } }>(clerk: Clerk, found: T | undefined): T {
  if (found === undefined || !clerk.offices.includes(found.summary.office)) throw caseNotFound();
  return found;
}
