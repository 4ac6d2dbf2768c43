/**
 * The headers every answer of ours carries besides its own, as plain values: what the middy chain
 * of pipeline.ts adds (@middy/http-security-headers with its settings, @middy/http-cors with the
 * portals' origins), written out for fixedRoute.ts, which answers without middy.
 * test/unit/http/fixedRoute.test.ts holds them to what the chain adds.
 */

/** The response headers a portal's script may read. */
export const EXPOSED_HEADERS = 'X-Request-Id, ETag, Retry-After, Idempotent-Replayed';

/** What @middy/http-security-headers adds with pipeline.ts's settings (CSP `default-src 'none'`, no reporting, no permissions policy). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; report-to default; require-trusted-types-for 'script'; sandbox; upgrade-insecure-requests",
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

/** An origin as @middy/http-cors compares it: scheme and host lower-cased, an IDN host in punycode. */
function canonicalOrigin(origin: string | undefined): string | undefined {
  if (!origin || origin === '*') return origin;
  if (/^https?:\/\/[a-z0-9.-]+(?::\d+)?$/i.test(origin)) return origin.toLowerCase();
  const match = /^(https?:\/\/)(.+)$/.exec(origin);
  if (!match) return origin;
  const [, scheme = '', host = ''] = match;
  const placeholder = '-_ANY_-';
  try {
    return scheme + new URL(`https://${host.replace(/\*/g, placeholder)}`).host.replaceAll(placeholder.toLowerCase(), '*');
  } catch {
    return scheme + host;
  }
}

/**
 * The CORS headers @middy/http-cors adds for a request's `Origin` with `origins` (the stack's
 * CORS_ALLOWED_ORIGINS) and `vary: 'Origin'`: the allowed origin, if any, and Vary (which the
 * middleware writes twice, `Origin, Origin`, when it lists several origins or reflects the request's).
 */
export function corsHeadersFor(origins: readonly string[]): (origin: string | undefined) => Record<string, string> {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  let any = false;
  for (const listed of origins) {
    const origin = canonicalOrigin(listed) ?? '';
    if (origin === '*') any = true;
    else if (!origin.includes('*')) exact.add(origin);
    else patterns.push(new RegExp(`^${origin.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^.]*')}$`));
  }
  const many = origins.length > 1 || patterns.length > 0;
  return (incoming) => {
    const origin = canonicalOrigin(incoming);
    const allowed =
      origin !== undefined && exact.has(origin) ? origin : any ? '*' : origin !== undefined && patterns.some((pattern) => pattern.test(origin)) ? origin : null;
    const reflected = Boolean(allowed) && allowed !== '*';
    return {
      ...(allowed ? { 'Access-Control-Allow-Origin': allowed } : {}),
      Vary: many || (any && allowed !== '*') || reflected ? 'Origin, Origin' : 'Origin',
    };
  };
}
