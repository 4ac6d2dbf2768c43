import { localStageConfig } from './stage.ts';

/**
 * CORS as the AWS stage answers it, for the local gateway: preflights (OPTIONS) on every resource
 * of the route table, and the allow-origin headers on the answers the gateway produces itself
 * (401, 404, 413, 503); the handlers add their own through CORS_ALLOWED_ORIGINS, as in Lambda.
 * Origins: the local stage file's `corsOrigins` (infra/local/stage.ts), or `CORS_ORIGINS` (comma-separated)
 * when set. Never a wildcard: the clerk routes carry bearer tokens.
 */
export const ALLOWED_METHODS = ['GET', 'POST', 'PATCH', 'OPTIONS'] as const;
export const ALLOWED_HEADERS = ['Content-Type', 'Authorization', 'Idempotency-Key', 'If-Match', 'Status-Token', 'Accept-Language'] as const;
/** The same list the handlers expose (functions/lib/http/pipeline.ts). */
export const EXPOSED_HEADERS = ['ETag', 'X-Request-Id', 'Retry-After', 'Idempotent-Replayed'] as const;
export const PREFLIGHT_MAX_AGE_SECONDS = 3600;

/** The allowed origins: `CORS_ORIGINS` if set, else the local stage file's. Throws on anything but http(s) origins. */
export function allowedOrigins(env: NodeJS.ProcessEnv = process.env, stage?: { readonly corsOrigins: readonly string[] }): string[] {
  const override = env.CORS_ORIGINS?.trim();
  const origins = override ? override.split(',').map((origin) => origin.trim()).filter(Boolean) : [...(stage ?? localStageConfig(env)).corsOrigins];
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    // An Origin header is scheme://host[:port], nothing more: a path or a trailing slash never matches.
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(`CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin; write scheme://host[:port], e.g. http://localhost:5173 (comma-separated, no '*')`);
    }
  }
  return origins;
}

export interface CorsPolicy {
  /** Headers for any answer to a request with this Origin header (`Vary: Origin` always). */
  answer(origin: string | undefined): Record<string, string>;
  /** Headers of the 204 a preflight gets. */
  preflight(origin: string | undefined): Record<string, string>;
}

export function corsPolicy(origins: readonly string[]): CorsPolicy {
  const allowed = new Set(origins);
  const answer = (origin: string | undefined): Record<string, string> =>
    origin !== undefined && allowed.has(origin)
      ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '), Vary: 'Origin' }
      : { Vary: 'Origin' };
  return {
    answer,
    preflight: (origin) =>
      origin !== undefined && allowed.has(origin)
        ? {
            ...answer(origin),
            'Access-Control-Allow-Methods': ALLOWED_METHODS.join(','),
            'Access-Control-Allow-Headers': ALLOWED_HEADERS.join(','),
            'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
          }
        : answer(origin),
  };
}
