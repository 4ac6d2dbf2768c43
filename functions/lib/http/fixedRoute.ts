import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { preferredLanguage } from './language.ts';
import { ProblemError, problemDocument } from './problem.ts';
import type { HttpResult } from './response.ts';
import { corsHeadersFor, EXPOSED_HEADERS, SECURITY_HEADERS } from './fixedHeaders.ts';

/**
 * The pipeline of the public read routes (`GET /forms`, `GET /forms/{formId}`, `GET /openapi.json`),
 * whose answers the build fixed, and of `GET /auth/bundid/metadata` (a document fixed per stage):
 * it answers exactly what `httpRoute` (pipeline.ts) answers, the same status, headers and body,
 * request id, CORS and security headers, problem documents, but without middy, the Powertools
 * logger and `node:crypto`, whose loading was most of these functions' cold start (bench/README.md).
 * test/unit/http/fixedRoute.test.ts holds the two to answering alike.
 *
 * Only for routes that touch no AWS service (no deadline to keep) and take no body.
 */

/** The request as a fixed route sees it: headers lower-cased (the last of two spellings wins, as middy's normalizer does). */
export type FixedRequest = Omit<APIGatewayProxyEvent, 'headers'> & { headers: Record<string, string | undefined> };

/**
 * A structured log line in the shape the Powertools logger writes (level, message, service,
 * timestamp, then the keys): these routes log only a failure that cannot happen but for a bug.
 */
function logError(message: string, keys: Record<string, unknown>): void {
  const line = { level: 'ERROR', message, service: process.env.POWERTOOLS_SERVICE_NAME ?? 'egov-forms', timestamp: new Date().toISOString(), ...keys };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** The first frames of an error's stack, without its message (which may quote data), as middleware.ts logs them. */
function framesOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  return error.stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5)
    .join('\n');
}

function lowerCased(headers: APIGatewayProxyEvent['headers'] | null | undefined): Record<string, string | undefined> {
  const normalized: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
  for (const key in headers ?? {}) normalized[key.toLowerCase()] = headers?.[key];
  return normalized;
}

function problemAnswer(error: unknown, request: FixedRequest): HttpResult {
  let problem: ProblemError;
  if (error instanceof ProblemError) {
    problem = error;
  } else {
    problem = new ProblemError('unavailable');
    logError('unexpected failure', {
      requestId: request.requestContext?.requestId,
      route: request.resource,
      errorName: error instanceof Error ? error.name : typeof error,
      stack: framesOf(error),
    });
  }
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store', ...problem.details.headers },
    body: JSON.stringify(problemDocument(problem.slug, preferredLanguage(request.headers['accept-language']), problem.details)),
  };
}

/** A Lambda handler (the context is not needed: nothing waits on a dependency) that answers with `answer`. */
export function fixedRoute(answer: (request: FixedRequest) => HttpResult): (event: APIGatewayProxyEvent, context?: Context) => Promise<HttpResult> {
  // Read once per cold start, as httpRoute reads them.
  const origins = (process.env.CORS_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean);
  const cors = corsHeadersFor(origins);
  return async (event) => {
    const request: FixedRequest = { ...event, headers: lowerCased(event.headers) };
    let result: HttpResult;
    try {
      result = answer(request);
    } catch (error) {
      result = problemAnswer(error, request);
    }
    const requestId = event.requestContext?.requestId || globalThis.crypto.randomUUID();
    return {
      ...result,
      headers: {
        ...result.headers,
        ...SECURITY_HEADERS,
        ...(origins.length > 0 ? { ...cors(request.headers.origin), 'Access-Control-Expose-Headers': EXPOSED_HEADERS } : {}),
        'X-Request-Id': requestId,
      },
    };
  };
}
