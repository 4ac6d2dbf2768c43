import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/**
 * The one API Gateway (REST, Lambda proxy) event factory for tests and benchmarks that call
 * handlers in-process. It builds what the local gateway builds and API Gateway sends: the resource
 * path with its parameters, headers as sent (the pipeline lower-cases them), the raw body, and the
 * Cognito authorizer's claims for a clerk (groups comma-joined, as a REST authorizer flattens them).
 */
export interface ApiRequest {
  readonly method?: string;
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | null;
  readonly clerk?: { readonly sub: string; readonly offices: readonly string[] | string };
  readonly requestId?: string;
}

export function apiEvent(request: ApiRequest): APIGatewayProxyEvent {
  const path = request.resource.replace(/\{(\w+)\}/g, (_, name: string) => request.pathParameters?.[name] ?? `{${name}}`);
  const groups = request.clerk && (typeof request.clerk.offices === 'string' ? request.clerk.offices : request.clerk.offices.join(','));
  return {
    resource: request.resource,
    path,
    httpMethod: request.method ?? 'GET',
    headers: { ...request.headers },
    multiValueHeaders: {},
    pathParameters: request.pathParameters ?? null,
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      requestId: request.requestId ?? 'in-process',
      authorizer: request.clerk ? { claims: { sub: request.clerk.sub, 'cognito:groups': groups } } : null,
    },
  } as unknown as APIGatewayProxyEvent;
}

/** A submission of a form, as a portal sends it. */
export function submissionEvent(formId: string, body: string, headers: Record<string, string> = {}, requestId?: string): APIGatewayProxyEvent {
  return apiEvent({
    method: 'POST',
    resource: '/forms/{formId}/submissions',
    pathParameters: { formId },
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
    ...(requestId ? { requestId } : {}),
  });
}

export const lambdaContext = { getRemainingTimeInMillis: () => 10_000 } as Context;
