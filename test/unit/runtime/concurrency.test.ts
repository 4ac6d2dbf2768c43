import { describe, expect, it } from '@jest/globals';
import { mapBounded } from '#lib/runtime/concurrency.ts';

describe('mapBounded', () => {
  it('keeps at most the limit in flight and the results in order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapBounded([...Array(50).keys()], 4, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n * 2;
    });
    expect(most).toBe(4);
    expect(results).toEqual([...Array(50).keys()].map((n) => n * 2));
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapBounded([...Array(20).keys()], 2, async (n) => {
        started.push(n);
        if (n === 3) throw new Error('boom');
        await new Promise((resolve) => setImmediate(resolve));
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(7);
  });
});
