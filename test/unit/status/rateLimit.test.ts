import { describe, expect, it } from '@jest/globals';
import { createRateLimiter, localRateLimits, rateLimitersOf } from '../../../infra/local/rateLimit.ts';

describe('local rate limiter', () => {
  it('lets a client make `limit` requests per window, then names the seconds to wait', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([undefined, undefined, undefined]);
    now += 15_000;
    expect(limiter.take('a')).toBe(45);
  });

  it('counts each client on its own', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 }, () => 0);
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('b')).toBeUndefined();
    expect(limiter.take('a')).toBeDefined();
  });

  it('starts a fresh window once the last one has passed', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 }, () => now);
    limiter.take('a');
    expect(limiter.take('a')).toBeDefined();
    now = 60_000;
    expect(limiter.take('a')).toBeUndefined();
  });

  it('limits the status route, configurable for tests, and refuses a bad setting', () => {
    expect(localRateLimits({}).getStatus?.limit).toBeGreaterThan(0);
    expect(localRateLimits({ LOCAL_STATUS_RATE_LIMIT: '5' }).getStatus).toEqual({ limit: 5, windowMs: 60_000 });
    expect(() => localRateLimits({ LOCAL_STATUS_RATE_LIMIT: '0' })).toThrow(/LOCAL_STATUS_RATE_LIMIT/);
  });
});

describe('the citizens\' routes share one limit per client', () => {
  it('counts every route under /status/ (status, messages, replies, their files) against one limiter, as the WAF rule does', () => {
    const rules = localRateLimits({ LOCAL_STATUS_RATE_LIMIT: '2' });
    expect(Object.keys(rules)).toEqual(expect.arrayContaining(['getStatus', 'citizenMessages', 'citizenReply', 'citizenDownload', 'replyTicket']));
    const limiters = rateLimitersOf(rules);
    expect(limiters.getStatus!.take('a')).toBeUndefined();
    expect(limiters.citizenMessages!.take('a')).toBeUndefined();
    expect(limiters.citizenReply!.take('a')).toBeGreaterThan(0);
    expect(limiters.getStatus!.take('b')).toBeUndefined();
  });
});
