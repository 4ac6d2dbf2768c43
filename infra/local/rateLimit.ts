/**
 * The local stand-in for the WAF rate rules of routes that need one (infra/constructs/firewall.ts):
 * a fixed window per client address and route, answered with the same `429 rate-limited` problem
 * document. Only the routes named in LOCAL_RATE_LIMITS are limited; everything else is not, as the
 * other WAF rules have limits no local use reaches.
 */
export interface RateLimit {
  /** Requests one client may make per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Per handler of the function table. `LOCAL_STATUS_RATE_LIMIT` (requests per minute) overrides the
 * status route's limit, e.g. for a test that provokes the 429.
 */
export function localRateLimits(env: NodeJS.ProcessEnv = process.env): Record<string, RateLimit> {
  const status = env.LOCAL_STATUS_RATE_LIMIT;
  if (status !== undefined && !/^[1-9][0-9]{0,5}$/.test(status)) throw new Error('LOCAL_STATUS_RATE_LIMIT must be a positive integer (requests per minute)');
  const statusRule = { limit: status ? Number(status) : 60, windowMs: 60_000 };
  // Every citizen route under /status/ (the WAF rule matches them all): a limiter of its own each.
  return { getStatus: statusRule, getAccesses: statusRule };
}

export interface RateLimiter {
  /** Counts a request; the seconds to wait when over the limit, else undefined. */
  take(client: string): number | undefined;
}

export function createRateLimiter(rule: RateLimit, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(client) {
      const at = now();
      // Forget finished windows now and then, so that many clients cannot grow the map forever.
      if (windows.size > 10_000) for (const [key, window] of windows) if (at - window.start >= rule.windowMs) windows.delete(key);
      let window = windows.get(client);
      if (!window || at - window.start >= rule.windowMs) {
        window = { start: at, count: 0 };
        windows.set(client, window);
      }
      window.count++;
      return window.count > rule.limit ? Math.max(1, Math.ceil((window.start + rule.windowMs - at) / 1000)) : undefined;
    },
  };
}
