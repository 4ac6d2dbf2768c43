import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { INTEGRATION_FAILED_TITLE, problemTitle, type ProblemSlug } from '../../functions/lib/http/problem.ts';

/**
 * Errors API Gateway answers itself (before or instead of a handler) still speak API.md's problem
 * format. Each entry: the gateway response type, the status we answer and the contract's slug.
 * The title is the slug's German one, API.md's default language: a gateway response's template
 * is not evaluated (no VTL), so it cannot follow Accept-Language as the handlers and the local
 * gateway do.
 */
interface ProblemMapping {
  readonly id: string;
  readonly type: apigw.ResponseType;
  readonly status: number;
  readonly slug: ProblemSlug;
  /** Only where the slug's own title would say too much. */
  readonly title?: string;
}

const MAPPINGS: readonly ProblemMapping[] = [
  { id: 'Unauthorized', type: apigw.ResponseType.UNAUTHORIZED, status: 401, slug: 'unauthorized' },
  { id: 'ExpiredToken', type: apigw.ResponseType.EXPIRED_TOKEN, status: 401, slug: 'unauthorized' },
  { id: 'AccessDenied', type: apigw.ResponseType.ACCESS_DENIED, status: 403, slug: 'forbidden' },
  { id: 'WafFiltered', type: apigw.ResponseType.WAF_FILTERED, status: 403, slug: 'forbidden' },
  // API Gateway answers an unknown path or method with 403 "Missing Authentication Token".
  { id: 'UnknownRoute', type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, slug: 'not-found' },
  { id: 'ResourceNotFound', type: apigw.ResponseType.RESOURCE_NOT_FOUND, status: 404, slug: 'not-found' },
  // API Gateway's own limit is 10 MB; the contract's 256 KiB is enforced by the handlers.
  { id: 'TooLarge', type: apigw.ResponseType.REQUEST_TOO_LARGE, status: 413, slug: 'payload-too-large' },
  { id: 'MediaType', type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, slug: 'unsupported-media-type' },
  { id: 'Throttled', type: apigw.ResponseType.THROTTLED, status: 429, slug: 'rate-limited' },
  { id: 'QuotaExceeded', type: apigw.ResponseType.QUOTA_EXCEEDED, status: 429, slug: 'rate-limited' },
  { id: 'BadParameters', type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, status: 400, slug: 'malformed-request' },
  { id: 'BadBody', type: apigw.ResponseType.BAD_REQUEST_BODY, status: 400, slug: 'malformed-request' },
  { id: 'Default4xx', type: apigw.ResponseType.DEFAULT_4XX, status: 400, slug: 'malformed-request' },
  // Integration failures and timeouts: the handler did not answer, so nothing was acknowledged.
  { id: 'Default5xx', type: apigw.ResponseType.DEFAULT_5XX, status: 503, slug: 'unavailable', title: INTEGRATION_FAILED_TITLE.de },
];

/** Headers on every answer, the gateway's own included (issue 18, entry point). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': "'max-age=31536000; includeSubDomains'",
  'X-Content-Type-Options': "'nosniff'",
};

/**
 * The CORS headers of a gateway response. With exactly one allowed origin it is named. With
 * several, a gateway response cannot choose among them (it may only copy request headers or
 * static values), so it answers `*`: these answers carry only the contract's fixed problem texts
 * and a request id, never data, and no credentials mode is allowed (no
 * Access-Control-Allow-Credentials), so any portal may read why its request failed. Without these
 * headers a browser shows the portal an opaque network error instead of the 401 or 429.
 */
export function gatewayCorsHeaders(corsOrigins: readonly string[]): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': corsOrigins.length === 1 ? `'${corsOrigins[0]}'` : "'*'",
    Vary: "'Origin'",
  };
}

/** Adds the problem+json gateway responses, each with the CORS and security headers. */
export function addProblemResponses(api: apigw.RestApi, corsOrigins: readonly string[]): void {
  const cors = gatewayCorsHeaders(corsOrigins);
  for (const mapping of MAPPINGS) {
    // $context.error.messageString is API Gateway's message, already a quoted JSON string.
    const title = JSON.stringify(mapping.title ?? problemTitle(mapping.slug, 'de'));
    const body =
      `{"type":"urn:problem:${mapping.slug}","title":${title},"status":${mapping.status},` +
      `"detail":$context.error.messageString,"requestId":"$context.requestId"}`;
    api.addGatewayResponse(mapping.id, {
      type: mapping.type,
      statusCode: String(mapping.status),
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        'Cache-Control': "'no-store'",
        ...cors,
        ...SECURITY_HEADERS,
      },
      templates: { 'application/json': body },
    });
  }
}
