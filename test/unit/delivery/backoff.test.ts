import { describe, expect, it } from '@jest/globals';
import { DELIVERY_BACKOFF, delaySeconds, receivesCovering, SQS_MAX_VISIBILITY_SECONDS } from '#lib/delivery/backoff.ts';

describe('delivery backoff', () => {
  it('doubles from the base up to the cap, never beyond SQS maximum visibility', () => {
    const policy = { baseSeconds: 60, capSeconds: 600, retrySeconds: 3600 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => delaySeconds(policy, attempt))).toEqual([60, 120, 240, 480, 600, 600]);
    expect(delaySeconds({ baseSeconds: 60, capSeconds: 10 ** 9, retrySeconds: 1 }, 40)).toBe(SQS_MAX_VISIBILITY_SECONDS);
  });

  it('gives the queue enough receives for the delays to span at least 24 hours, and not one more', () => {
    expect(DELIVERY_BACKOFF.retrySeconds).toBeGreaterThanOrEqual(24 * 3600);
    const receives = receivesCovering(DELIVERY_BACKOFF);
    const spanned = (count: number) => Array.from({ length: count - 1 }, (_, i) => delaySeconds(DELIVERY_BACKOFF, i + 1)).reduce((a, b) => a + b, 0);
    expect(spanned(receives)).toBeGreaterThanOrEqual(24 * 3600);
    expect(spanned(receives - 1)).toBeLessThan(24 * 3600);
  });
});
