import { routes, type Route } from '../../functions/functions.ts';

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
 * Per handler of the function table: the citizens' routes under `/status/` (status, messages,
 * replies, their files) share one rule object, and so one limiter per client, as the WAF rule
 * `RateLimitStatusPerIp` counts every request whose path contains `/status/`.
 * `LOCAL_STATUS_RATE_LIMIT` (requests per minute) overrides the limit, e.g. for a test that
 * provokes the 429.
 */
export function localRateLimits(env: NodeJS.ProcessEnv = process.env, table: readonly Pick<Route, 'handler' | 'path'>[] = routes): Record<string, RateLimit> {
  const status = env.LOCAL_STATUS_RATE_LIMIT;
  if (status !== undefined && !/^[1-9][0-9]{0,5}$/.test(status)) throw new Error('LOCAL_STATUS_RATE_LIMIT must be a positive integer (requests per minute)');
  const rule: RateLimit = { limit: status ? Number(status) : 60, windowMs: 60_000 };
  return Object.fromEntries(table.filter((route) => route.path.startsWith('/status/')).map((route) => [route.handler, rule]));
}

/** One limiter per rule object: handlers that share a rule share their clients' counts. */
export function rateLimitersOf(rules: Record<string, RateLimit>): Record<string, RateLimiter> {
  const limiters = new Map<RateLimit, RateLimiter>();
  return Object.fromEntries(
    Object.entries(rules).map(([handler, rule]) => {
      if (!limiters.has(rule)) limiters.set(rule, createRateLimiter(rule));
      return [handler, limiters.get(rule)!];
    }),
  );
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
