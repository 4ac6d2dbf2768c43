import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Route } from '../../functions/functions.ts';
import { preferredLanguage } from '../../functions/lib/http/language.ts';
import { INTEGRATION_FAILED_TITLE, PROBLEMS, problemDocument, type ProblemDetails, type ProblemSlug } from '../../functions/lib/http/problem.ts';
import type { CorsPolicy } from './cors.ts';
import type { RateLimiter } from './rateLimit.ts';
import type { LocalSite } from './staticSite.ts';
import type { TokenVerifier } from './tokens.ts';

/**
 * A local API Gateway (REST, Lambda proxy integration): it matches the route table, checks clerk
 * tokens as the Cognito authorizer would, turns the request into the proxy event API Gateway sends,
 * invokes the very handler that runs in Lambda, and writes its answer back.
 */
export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayRoute extends Route {
  invoke: LambdaHandler;
}

const RATE_LIMITED_DETAIL = {
  de: 'Zu viele Anfragen von dieser Adresse; bitte später erneut versuchen.',
  en: 'Too many requests from this address; try again later.',
};

/** API Gateway's own payload limit; the handlers enforce the contract's 256 KiB. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const FUNCTION_TIMEOUT_MS = 10_000;

interface Matcher {
  route: GatewayRoute;
  pattern: RegExp;
  names: string[];
}

function compile(route: GatewayRoute): Matcher {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/**
 * A problem the gateway answers itself, titled in the language the request asks for (API.md:
 * German by default), as the handlers title theirs.
 */
function problem(req: IncomingMessage, res: ServerResponse, slug: ProblemSlug, requestId: string, extra: Record<string, string> = {}, details: ProblemDetails = {}): void {
  res.writeHead(PROBLEMS[slug], {
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    ...extra,
  });
  const language = preferredLanguage(req.headers['accept-language']);
  const document = problemDocument(slug, language, details);
  if (slug === 'unavailable') document.title = INTEGRATION_FAILED_TITLE[language];
  res.end(JSON.stringify(document));
}

/** How much of a too-large body is still read (and dropped) so that the 413 reaches the client. */
const DRAIN_LIMIT = 8 * GATEWAY_MAX_BODY;

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Leaving the loop would destroy the socket while the client still writes: it would see a
    // reset (EPIPE) instead of the 413. Read the rest and keep none of it, up to a bound.
    if (size > DRAIN_LIMIT) return 'too-large';
    if (size <= GATEWAY_MAX_BODY) chunks.push(chunk);
  }
  return size > GATEWAY_MAX_BODY ? 'too-large' : Buffer.concat(chunks);
}

/** Claims as a REST API Cognito authorizer hands them on: every value a string, arrays comma-joined. */
function authorizerClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    claims[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return claims;
}

function lambdaContext(requestId: string, handler: string): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: handler,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${handler}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${handler}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface GatewayOptions {
  routes: GatewayRoute[];
  verifyToken: TokenVerifier;
  /** Extra answers the gateway itself gives (GET /health, GET /openapi.json). */
  local?: Record<string, () => unknown>;
  /** Preflights and CORS headers on the gateway's own answers, as the AWS stage gives them. */
  cors?: CorsPolicy;
  /** Per-client limits of some routes, by handler name (rateLimit.ts), as the WAF rules give them in AWS. */
  rateLimits?: Record<string, RateLimiter>;
  /** The static front ends: the clerk console and its local sign-in below /console (console.ts), the portal below /portal (portal.ts). */
  sites?: LocalSite[];
}

export function createGateway(options: GatewayOptions): Server {
  const matchers = options.routes.map(compile);
  return createServer(async (req, res) => {
    const requestId = randomUUID();
    const origin = req.headers.origin;
    const cors = options.cors?.answer(origin) ?? {};
    try {
      // The request target is a path: resolved against a base, `//host/…` would be read as a host
      // (and an invalid one throws), so it is appended to the origin instead.
      const url = new URL(`http://localhost${req.url?.startsWith('/') ? req.url : '/'}`);
      const method = req.method ?? 'GET';
      for (const site of options.sites ?? []) if (await site(req, res, url.pathname, requestId)) return;
      const localAnswer = method === 'GET' ? options.local?.[url.pathname] : undefined;
      if (localAnswer) {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-Id': requestId, ...cors });
        res.end(JSON.stringify(localAnswer()));
        return;
      }
      // API Gateway answers the preflight of every resource itself (a mock integration, no authorizer).
      if (method === 'OPTIONS' && options.cors) {
        const known = options.local?.[url.pathname] !== undefined || matchers.some((matcher) => matcher.pattern.test(url.pathname));
        if (!known) return problem(req, res, 'not-found', requestId, cors);
        res.writeHead(204, { 'X-Request-Id': requestId, ...options.cors.preflight(origin) });
        res.end();
        return;
      }
      // As API Gateway's resource tree: a static path segment wins over a `{parameter}` one
      // (`/cases/export` is not the case `export`), and a wrong method on it is a 404.
      let found: { matcher: Matcher; values: string[] } | undefined;
      let specificity = Infinity;
      for (const matcher of matchers) {
        const match = matcher.pattern.exec(url.pathname);
        if (match && matcher.names.length < specificity) specificity = matcher.names.length;
      }
      for (const matcher of matchers) {
        const match = matcher.pattern.exec(url.pathname);
        if (match && matcher.names.length === specificity && matcher.route.method === method) found = { matcher, values: match.slice(1) };
      }
      if (!found) return problem(req, res, 'not-found', requestId, cors);
      const { route } = found.matcher;
      const wait = options.rateLimits?.[route.handler]?.take(req.socket.remoteAddress ?? '');
      if (wait !== undefined) {
        return problem(req, res, 'rate-limited', requestId, { 'Retry-After': String(wait), ...cors }, { detail: RATE_LIMITED_DETAIL });
      }
      const pathParameters: Record<string, string> = {};
      try {
        found.matcher.names.forEach((name, i) => (pathParameters[name] = decodeURIComponent(found.values[i] ?? '')));
      } catch {
        return problem(req, res, 'not-found', requestId, cors);
      }

      const body = await readBody(req);
      // The rest of the body is still on its way: the connection cannot carry another request, so
      // say so (Node then closes it) instead of resetting a socket the client thinks is reusable.
      if (body === 'too-large') return problem(req, res, 'payload-too-large', requestId, { ...cors, Connection: 'close' });

      // Names are client input: collected in maps and turned into own properties, as the JSON
      // event API Gateway sends has them (`?__proto__=1` is a parameter, not a prototype).
      const headerMap = new Map<string, string>();
      const multiHeaderMap = new Map<string, string[]>();
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] ?? '';
        const value = req.rawHeaders[i + 1] ?? '';
        headerMap.set(name, value);
        multiHeaderMap.set(name, [...(multiHeaderMap.get(name) ?? []), value]);
      }
      const headers: Record<string, string> = Object.fromEntries(headerMap);
      const multiValueHeaders: Record<string, string[]> = Object.fromEntries(multiHeaderMap);

      let claims: Record<string, string> | undefined;
      if (route.access === 'clerk') {
        const payload = await options.verifyToken(req.headers.authorization);
        if (!payload) return problem(req, res, 'unauthorized', requestId, cors);
        claims = authorizerClaims(payload);
      }

      const queryMap = new Map<string, string>();
      const multiQueryMap = new Map<string, string[]>();
      for (const [name, value] of url.searchParams) {
        queryMap.set(name, value);
        multiQueryMap.set(name, [...(multiQueryMap.get(name) ?? []), value]);
      }
      const query: Record<string, string> = Object.fromEntries(queryMap);
      const multiQuery: Record<string, string[]> = Object.fromEntries(multiQueryMap);
      const hasQuery = queryMap.size > 0;
      const event: APIGatewayProxyEvent = {
        resource: route.path,
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders,
        queryStringParameters: hasQuery ? query : null,
        multiValueQueryStringParameters: hasQuery ? multiQuery : null,
        pathParameters: found.matcher.names.length ? pathParameters : null,
        stageVariables: null,
        body: body.length ? body.toString('utf8') : null,
        isBase64Encoded: false,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          authorizer: claims ? { claims } : null,
          protocol: `HTTP/${req.httpVersion}`,
          httpMethod: method,
          identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
          path: `/local${url.pathname}`,
          stage: 'local',
          requestId,
          requestTimeEpoch: Date.now(),
          resourceId: route.handler,
          resourcePath: route.path,
        },
      };
      const result = await route.invoke(event, lambdaContext(requestId, route.handler));
      const responseHeaders: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) responseHeaders[name] = values.map(String);
      res.writeHead(result.statusCode, responseHeaders);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch {
      // What API Gateway answers when the integration fails: never the handler's error text.
      if (!res.headersSent) problem(req, res, 'unavailable', requestId, cors);
      else res.destroy();
    }
  });
}
