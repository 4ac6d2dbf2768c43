import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { EXPOSED_HEADERS } from './fixedHeaders.ts';
import { jsonBody, problemResponses, requestId } from './middleware.ts';
import type { HttpResult } from './response.ts';
import { withDeadline } from '#lib/runtime/deadline.ts';

/** The event a handler sees: headers lower-cased, body parsed when the route takes one. */
export type HttpEvent<TBody = unknown> = Omit<APIGatewayProxyEvent, 'body'> & { body: TBody };

/**
 * The one middleware chain every route runs through. Order matters: the request id and problem
 * mapping wrap everything, so even a 413 carries X-Request-Id and a problem document.
 */
export function httpRoute<TBody = null>(
  handler: (event: HttpEvent<TBody>) => Promise<HttpResult>,
  options: { jsonBody?: boolean; contentSecurityPolicy?: Record<string, string | false> } = {},
) {
  const chain = middy<APIGatewayProxyEvent, HttpResult>(handler as unknown as (event: APIGatewayProxyEvent) => Promise<HttpResult>)
    .use(requestId())
    .use(httpHeaderNormalizer());
  // The stack sets the portals' origins; API Gateway answers preflights, the handlers the rest.
  const origins = (process.env.CORS_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean);
  if (origins.length > 0) {
    chain.use(httpCors({ origins, exposeHeaders: EXPOSED_HEADERS, vary: 'Origin' }));
  }
  chain
    .use(
      httpSecurityHeaders({
        // Routes that answer an HTML page (sign-in) widen it by what the page needs, nothing else.
        contentSecurityPolicy: { 'default-src': "'none'", 'frame-ancestors': "'none'", ...options.contentSecurityPolicy },
        reportTo: false,
        reportingEndpoints: false,
        permissionsPolicy: false,
      }),
    )
    .use(problemResponses());
  return withDeadline(options.jsonBody ? chain.use(jsonBody()) : chain);
}
