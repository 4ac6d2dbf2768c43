import { describe, expect, it } from '@jest/globals';
import { followUpDelayMs } from '../../../portal/src/followUps.ts';

describe("the status page's reads after a reply", () => {
  it('wait longer each time, at most 15 s, for about two minutes, then stop', () => {
    const waits: number[] = [];
    for (let n = 1; followUpDelayMs(n) !== undefined; n++) waits.push(followUpDelayMs(n)!);
    expect(waits[0]).toBe(2_000);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]!);
    expect(Math.max(...waits)).toBe(15_000);
    const total = waits.reduce((sum, wait) => sum + wait, 0);
    expect(total).toBeGreaterThanOrEqual(120_000);
    expect(total).toBeLessThanOrEqual(150_000);
    expect(followUpDelayMs(0)).toBeUndefined();
  });
});
