import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as z from 'zod';
import { positionOf } from '#lib/cases/cursor.ts';

/** The shape a cursor's payload was checked with before the check was written by hand. */
const position = z.strictObject({ s: z.record(z.string(), z.string()), a: z.string().max(200) });

const payloads = fc.oneof(
  fc.record({ s: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), a: fc.string({ maxLength: 210 }) }),
  fc.record({ s: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 })), a: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  fc.record({ s: fc.constantFrom({}, [], null, 'x'), a: fc.string({ minLength: 199, maxLength: 201 }), x: fc.constantFrom(undefined, 1) }, { requiredKeys: ['s', 'a'] }),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('a cursor position', () => {
  it('is taken exactly when its zod shape takes it, with the same content', () => {
    fc.assert(
      fc.property(payloads, (payload) => {
        // What JSON.parse hands the check: a payload that went through JSON.
        const decoded = JSON.parse(JSON.stringify(payload) ?? 'null') as unknown;
        const parsed = position.safeParse(decoded);
        expect(positionOf(decoded)).toEqual(parsed.success ? parsed.data : undefined);
      }),
      { numRuns: 3000 },
    );
  });
});
