import { ProblemError } from '#lib/http/problem.ts';

/**
 * What a request parser answers, as the client would see it: its value, or the problem it throws.
 * For the property tests that hold a hand-written parser to the zod shape it stands in for.
 */
export function parserOutcome(parse: () => unknown): unknown {
  try {
    return { value: parse() };
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    return JSON.parse(JSON.stringify({ slug: error.slug, details: error.details })) as unknown;
  }
}
