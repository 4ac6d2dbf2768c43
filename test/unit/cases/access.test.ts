import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as z from 'zod';
import { caseId as caseIdShape, office as officeShape } from '#lib/api/schemas.ts';
import { caseIdOf, clerkOf, officeFor, visibleTo } from '#lib/cases/access.ts';
import { ProblemError } from '#lib/http/problem.ts';

const withClaims = (claims: unknown) => ({ requestContext: { authorizer: { claims } } }) as never;

const slugOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error.slug;
    throw error;
  }
  return 'no problem';
};

describe('the clerk behind a request', () => {
  it.each([
    ['comma-separated, as a REST authorizer flattens them', 'ordnungsamt,jugendamt'],
    ['in brackets, as an HTTP API passes them', '[ordnungsamt jugendamt]'],
    ['as an array', ['ordnungsamt', 'jugendamt']],
  ])('reads the offices from cognito:groups %s', (_, groups) => {
    expect(clerkOf(withClaims({ sub: 'alice', 'cognito:groups': groups }))).toEqual({ sub: 'alice', offices: ['ordnungsamt', 'jugendamt'] });
  });

  it('ignores groups that cannot be offices and repeated ones', () => {
    expect(clerkOf(withClaims({ sub: 'alice', 'cognito:groups': 'Admins,ordnungsamt,ordnungsamt,x,../etc' })).offices).toEqual(['ordnungsamt']);
  });

  it('has no office without groups', () => {
    expect(clerkOf(withClaims({ sub: 'alice' })).offices).toEqual([]);
  });

  it.each([['no claims', undefined], ['no sub', { 'cognito:groups': 'ordnungsamt' }], ['an empty sub', { sub: '' }]])(
    'is unauthorized with %s (401)',
    (_, claims) => {
      expect(slugOf(() => clerkOf(withClaims(claims)))).toBe('unauthorized');
    },
  );
});

describe('the hand-written checks agree with the zod shapes they replace (no zod at the clerk functions\' cold start)', () => {
  // The claims as they were parsed with zod before, and the API's own shapes of case ids and offices.
  const claims = z.object({ sub: z.string().min(1).max(128), 'cognito:groups': z.union([z.string(), z.array(z.string())]).optional() });
  const byZod = (value: unknown) => {
    const parsed = claims.safeParse(value);
    if (!parsed.success) return 'unauthorized';
    const groups = parsed.data['cognito:groups'] ?? [];
    const list = Array.isArray(groups) ? groups : groups.replace(/^\[|\]$/g, '').split(/[\s,]+/);
    return { sub: parsed.data.sub, offices: [...new Set(list.filter((group) => officeShape.safeParse(group).success))] };
  };
  const byHand = (value: unknown) => {
    try {
      return clerkOf(withClaims(value));
    } catch (error) {
      if (error instanceof ProblemError) return error.slug;
      throw error;
    }
  };
  const text = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', 'x'.repeat(128), 'x'.repeat(129), 'ordnungsamt', 'jugendamt,ordnungsamt', '[a-b c]', 'Admins'));
  const values = fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.array(fc.oneof(text, fc.integer()), { maxLength: 2 }), fc.integer(), fc.constant(null), fc.constant(undefined));

  it('on the claims: the same clerk, or 401', () => {
    const claimSets = fc.oneof(fc.record({ sub: values, 'cognito:groups': values, other: values }, { requiredKeys: [] }), values);
    fc.assert(fc.property(claimSets, (value) => expect(byHand(value)).toEqual(byZod(value))), { numRuns: 3000 });
  });

  it('on case ids: the same id, or a 404', () => {
    const ids = fc.oneof(fc.stringMatching(/^[0-9A-Z]{25,27}$/), fc.string({ maxLength: 27 }), fc.constant(undefined));
    fc.assert(
      fc.property(ids, (caseId) => {
        const expected = caseIdShape.safeParse(caseId).success ? caseId : 'not-found';
        expect(slugOr(() => caseIdOf({ pathParameters: caseId === undefined ? {} : { caseId } } as never))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

const slugOr = (run: () => string): string => {
  try {
    return run();
  } catch (error) {
    if (error instanceof ProblemError) return error.slug;
    throw error;
  }
};

describe('the office a list is about', () => {
  const alice = { sub: 'alice', offices: ['ordnungsamt'] };
  const bob = { sub: 'bob', offices: ['ordnungsamt', 'jugendamt'] };

  it("is the clerk's only office when none is asked for", () => {
    expect(officeFor(alice, undefined)).toBe('ordnungsamt');
  });

  it('is the asked one when it is his', () => {
    expect(officeFor(bob, 'jugendamt')).toBe('jugendamt');
  });

  it('is forbidden when it is not his (403)', () => {
    expect(slugOf(() => officeFor(alice, 'jugendamt'))).toBe('forbidden');
  });

  it('must be named by a clerk of several offices (400)', () => {
    expect(slugOf(() => officeFor(bob, undefined))).toBe('malformed-request');
  });

  it('is forbidden to a clerk of no office (403)', () => {
    expect(slugOf(() => officeFor({ sub: 'carl', offices: [] }, undefined))).toBe('forbidden');
  });
});

describe('what a clerk may see of a case', () => {
  const alice = { sub: 'alice', offices: ['ordnungsamt'] };
  const ownCase = { summary: { office: 'ordnungsamt' }, secret: 1 };

  it('is all of a case of his office', () => {
    expect(visibleTo(alice, ownCase)).toBe(ownCase);
  });

  it("is nothing of another office's case: 404, exactly like a case that does not exist", () => {
    const foreign = (() => {
      try {
        visibleTo(alice, { summary: { office: 'jugendamt' } });
      } catch (error) {
        return error as ProblemError;
      }
    })();
    const missing = (() => {
      try {
        visibleTo(alice, undefined);
      } catch (error) {
        return error as ProblemError;
      }
    })();
    expect(foreign?.slug).toBe('not-found');
    expect(foreign?.details).toEqual(missing?.details);
  });

  it.each(['', 'not-a-ulid', '01JDZ8Q6W4X3Y2Z1A0B9C8D7EI', '01jdz8q6w4x3y2z1a0b9c8d7e6'])('names no case with the path id %j (404)', (caseId) => {
    expect(slugOf(() => caseIdOf({ pathParameters: { caseId } } as never))).toBe('not-found');
  });

  it('takes a ULID from the path', () => {
    expect(caseIdOf({ pathParameters: { caseId: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E6' } } as never)).toBe('01JDZ8Q6W4X3Y2Z1A0B9C8D7E6');
  });
});
