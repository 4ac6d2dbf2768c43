import { describe, expect, it, jest } from '@jest/globals';

// recheck, counted: its verdict on a pattern is asked once per process (infra/formPatterns.ts).
const asked: string[] = [];
jest.unstable_mockModule('recheck', () => ({
  checkSync: (pattern: string) => {
    asked.push(pattern);
    return pattern.startsWith('^(') ? { status: 'vulnerable', complexity: { type: 'exponential' } } : { status: 'safe' };
  },
}));
const { superLinearPatterns } = await import('../../../infra/formPatterns.ts');

describe("the forms' patterns", () => {
  it('are each checked once however often forms and synths repeat them, and keep their verdict', () => {
    const schema = {
      properties: {
        postcode: { type: 'string', pattern: '^[0-9]{5}$' },
        name: { type: 'string', pattern: '^(\\p{L}+[ -]?)+$' },
        children: { type: 'array', items: { properties: { postcode: { type: 'string', pattern: '^[0-9]{5}$' } } } },
      },
    };
    for (let round = 0; round < 3; round += 1) {
      expect(superLinearPatterns(schema)).toEqual([{ pointer: '/schema/properties/name/pattern', pattern: '^(\\p{L}+[ -]?)+$', complexity: 'exponential' }]);
    }
    expect(asked.sort()).toEqual(['^(\\p{L}+[ -]?)+$', '^[0-9]{5}$']);
  });
});
