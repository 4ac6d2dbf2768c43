import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { z } from 'zod';
import { buildOpenApiDocument, openApiJson } from '#lib/api/openapi.ts';
import type * as api from '#lib/api/schemas.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import type { ChainedEvent } from '#lib/audit/chain.ts';
import { routes } from '../../../functions/functions.ts';
import { servedOpenApiDocument } from '../../../infra/openapiFile.ts';
import { removeTempDirs, tempDir } from '../../support/tempDirs.ts';
import { compileDocumentSchemas, type Json } from './openapiSchemas.ts';

const document = buildOpenApiDocument(routes) as Json;
const paths = document.paths as Record<string, Record<string, Json>>;
const operationOf = (method: string, path: string): Json => {
  const operation = paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`no operation ${method} ${path}`);
  return operation;
};
const responsesOf = (method: string, path: string) => operationOf(method, path).responses as Record<string, Json>;
/** A response, with a `$ref` to components.responses followed. */
const responseOf = (method: string, path: string, status: string): Json => {
  const response = responsesOf(method, path)[status];
  if (!response) throw new Error(`no ${status} for ${method} ${path}`);
  const name = typeof response.$ref === 'string' ? response.$ref.replace('#/components/responses/', '') : undefined;
  return name ? ((document.components as Json).responses as Record<string, Json>)[name]! : response;
};
/** Parameters with `$ref`s to components.parameters followed. */
const parametersOf = (method: string, path: string): Json[] =>
  (operationOf(method, path).parameters as Json[]).map((parameter) =>
    typeof parameter.$ref === 'string'
      ? ((document.components as Json).parameters as Record<string, Json>)[parameter.$ref.replace('#/components/parameters/', '')]!
      : parameter,
  );
const headerNames = (response: Json): string[] => Object.keys((response.headers ?? {}) as Json);

/**
 * The statuses API.md names for each route besides the success, with their problem slugs, read off
 * its text: the conventions (429 `rate-limited` when throttled and 503 `unavailable` when a dependency
 * or the integration fails: any route; 401 on every clerk route; 400/413/415 for a body), then
 * each route's own section. Every route that touches a stored case can answer 500 integrity-error.
 */
const CONTRACT: Record<string, { success: string; problems: string[] }> = {
  'GET /forms': { success: '200', problems: ['429 rate-limited', '503 unavailable'] },
  'GET /forms/{formId}': { success: '200', problems: ['400 malformed-request', '404 not-found', '429 rate-limited', '503 unavailable'] },
  'POST /forms/{formId}/submissions': {
    success: '201',
    problems: [
      '400 malformed-request',
      '401 unauthorized',
      '403 insufficient-trust-level',
      '404 not-found',
      '409 idempotency-in-progress',
      '413 payload-too-large',
      '415 unsupported-media-type',
      '422 validation-failed',
      '422 idempotency-key-reused',
      '429 rate-limited',
      '503 unavailable',
    ],
  },
  'GET /cases': {
    success: '200',
    problems: ['400 malformed-request', '401 unauthorized', '403 forbidden', '429 rate-limited', '503 unavailable'],
  },
  'GET /cases/{caseId}': {
    success: '200',
    problems: ['401 unauthorized', '404 not-found', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'PATCH /cases/{caseId}': {
    success: '200',
    problems: [
      '400 malformed-request',
      '401 unauthorized',
      '404 not-found',
      '409 invalid-transition',
      '412 precondition-failed',
      '413 payload-too-large',
      '415 unsupported-media-type',
      '422 validation-failed',
      '428 precondition-required',
      '429 rate-limited',
      '500 integrity-error',
      '503 unavailable',
    ],
  },
  'GET /cases/{caseId}/events': {
    success: '200',
    problems: ['400 malformed-request', '401 unauthorized', '404 not-found', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'GET /auth/bundid/login': { success: '200', problems: ['404 not-found', '429 rate-limited', '503 unavailable'] },
  'GET /auth/bundid/metadata': { success: '200', problems: ['404 not-found', '429 rate-limited', '503 unavailable'] },
  'POST /auth/bundid/acs': { success: '303', problems: ['404 not-found', '429 rate-limited', '503 unavailable'] },
  'GET /me/cases': { success: '200', problems: ['401 unauthorized', '429 rate-limited', '503 unavailable'] },
  'GET /openapi.json': { success: '200', problems: ['429 rate-limited', '503 unavailable'] },
  'POST /forms/{formId}/attachments': {
    success: '201',
    problems: [
      '400 malformed-request',
      '404 not-found',
      '413 payload-too-large',
      '415 unsupported-media-type',
      '422 validation-failed',
      '429 rate-limited',
      '503 unavailable',
    ],
  },
  'GET /forms/{formId}/attachments/{attachmentId}': { success: '200', problems: ['404 not-found', '429 rate-limited', '503 unavailable'] },
  'GET /cases/{caseId}/attachments/{attachmentId}': {
    success: '200',
    problems: ['401 unauthorized', '404 not-found', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'GET /status/{reference}': {
    success: '200',
    problems: ['400 malformed-request', '404 not-found', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'GET /status/{reference}/accesses': {
    success: '200',
    problems: ['400 malformed-request', '404 not-found', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'POST /cases/{caseId}/messages': {
    success: '201',
    problems: [
      '400 malformed-request',
      '401 unauthorized',
      '404 not-found',
      '409 invalid-transition',
      '412 precondition-failed',
      '413 payload-too-large',
      '415 unsupported-media-type',
      '422 validation-failed',
      '428 precondition-required',
      '429 rate-limited',
      '500 integrity-error',
      '503 unavailable',
    ],
  },
  'POST /cases/{caseId}/attachments': {
    success: '201',
    problems: ['400 malformed-request', '401 unauthorized', '404 not-found', '413 payload-too-large', '415 unsupported-media-type', '422 validation-failed', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'GET /status/{reference}/messages': {
    success: '200',
    problems: ['400 malformed-request', '404 not-found', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'GET /status/{reference}/attachments/{attachmentId}': {
    success: '200',
    problems: ['400 malformed-request', '404 not-found', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'POST /status/{reference}/replies': {
    success: '201',
    problems: ['400 malformed-request', '404 not-found', '413 payload-too-large', '415 unsupported-media-type', '422 validation-failed', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'POST /status/{reference}/attachments': {
    success: '201',
    problems: ['400 malformed-request', '404 not-found', '413 payload-too-large', '415 unsupported-media-type', '422 validation-failed', '429 rate-limited', '500 integrity-error', '503 unavailable'],
  },
  'GET /cases/export': {
    success: '200',
    problems: ['400 malformed-request', '401 unauthorized', '403 forbidden', '404 not-found', '429 rate-limited', '503 unavailable'],
  },
};

// Compile-time: the documented shapes are the domain's types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: [
  Same<z.infer<typeof api.caseSummary>, CaseSummary>,
  Same<z.infer<typeof api.caseEvent>, ChainedEvent>,
  Same<z.infer<typeof api.caseStatus>, CaseSummary['status']>,
] = [true, true, true];

describe('docs/openapi.json', () => {
  it('is what npm run openapi writes from the code now', () => {
    const onDisk = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
    if (onDisk !== openApiJson(document)) throw new Error('docs/openapi.json is stale: run npm run openapi');
  });
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('holds only valid JSON Schema 2020-12 (strict Ajv compiles every schema in it)', () => {
    expect(compileDocumentSchemas(document).compiled).toBeGreaterThan(80);
  });

  it('has the local server', () => {
    expect(document.servers).toEqual(expect.arrayContaining([expect.objectContaining({ url: 'http://127.0.0.1:3000' })]));
  });

  it('documents every route of the route table once, with the handler as operationId', () => {
    for (const route of routes) expect(operationOf(route.method, route.path).operationId).toBe(route.handler);
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'post', 'patch', 'put', 'delete'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...routes.map((route) => `${route.method} ${route.path}`), 'GET /health'].sort());
  });

  it('knows the contract of every route (the test table is complete)', () => {
    expect(Object.keys(CONTRACT).sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    expect(sameTypes).toEqual([true, true, true]);
  });

  it.each(Object.entries(CONTRACT))('%s answers exactly the statuses and problems of API.md', (key, contract) => {
    const [method = '', path = ''] = key.split(' ');
    const statuses = [...new Set([contract.success, ...contract.problems.map((problem) => problem.split(' ')[0]!)])].sort();
    expect(Object.keys(responsesOf(method, path)).sort()).toEqual(statuses);
    for (const problem of contract.problems) {
      const [status = '', slug = ''] = problem.split(' ');
      const content = (responseOf(method, path, status).content as Json)['application/problem+json'] as Json;
      expect({ problem, documented: Object.keys(content.examples as Json) }).toEqual({ problem, documented: expect.arrayContaining([slug]) });
      const [problemRef, narrowing] = (content.schema as { allOf: Json[] }).allOf;
      expect(problemRef).toEqual({ $ref: '#/components/schemas/Problem' });
      expect(narrowing).toMatchObject({ properties: { type: { enum: expect.arrayContaining([`urn:problem:${slug}`]) }, status: { const: Number(status) } } });
    }
  });

  it('gives every response of every operation an X-Request-Id header', () => {
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item).filter(([key]) => key !== 'servers')) {
        for (const status of Object.keys(operation.responses as Json)) {
          expect({ at: `${method} ${path} ${status}`, headers: headerNames(responseOf(method, path, status)) }).toEqual({
            at: `${method} ${path} ${status}`,
            headers: expect.arrayContaining(['X-Request-Id']),
          });
        }
      }
    }
  });

  it('answers problems as application/problem+json that is never cached', () => {
    for (const route of routes) {
      for (const [status] of Object.entries(responsesOf(route.method, route.path)).filter(([status]) => Number(status) >= 400)) {
        const response = responseOf(route.method, route.path, status);
        expect(Object.keys(response.content as Json)).toEqual(['application/problem+json']);
        expect(headerNames(response)).toContain('Cache-Control');
      }
    }
    expect((document.components as Json).headers).toMatchObject({ NoStore: { schema: { const: 'no-store' } } });
  });

  it('shares one Problem schema with type, title, status, detail and errors of validation or request items', () => {
    const schemas = (document.components as Json).schemas as Record<string, Json>;
    expect(schemas.Problem).toMatchObject({
      type: 'object',
      required: ['type', 'title', 'status'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        errors: { type: 'array', items: { anyOf: [{ $ref: '#/components/schemas/ValidationError' }, { $ref: '#/components/schemas/RequestError' }] } },
      },
    });
    expect(schemas.ValidationError).toMatchObject({ required: ['pointer', 'keyword', 'message'], additionalProperties: false });
  });

  it('secures exactly the clerk routes with the bearer scheme, and the citizen routes with the citizen token', () => {
    expect((document.components as Json).securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      citizen: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(document.security).toBeUndefined();
    const citizenRoutes = ['myCases'];
    // The message routes: the Status-Token header, or instead the citizen token of the case's citizen.
    const statusOrCitizenRoutes = ['citizenMessages', 'citizenDownload', 'citizenReply', 'replyTicket'];
    const securityOf = (route: (typeof routes)[number]) =>
      route.access === 'clerk'
        ? [{ bearer: [] }]
        : citizenRoutes.includes(route.handler)
          ? [{ citizen: [] }]
          : statusOrCitizenRoutes.includes(route.handler)
            ? [{}, { citizen: [] }]
            : undefined;
    for (const route of routes) {
      expect({ route: route.handler, security: operationOf(route.method, route.path).security }).toEqual({ route: route.handler, security: securityOf(route) });
    }
  });

  it('takes a JSON body exactly on the routes that parse one', () => {
    const bodies = routes
      .filter((route) => ((operationOf(route.method, route.path).requestBody as { content?: Json } | undefined)?.content ?? {})['application/json'] !== undefined)
      .map((route) => route.handler)
      .sort();
    expect(bodies).toEqual(['attachmentTicket', 'citizenReply', 'messageTicket', 'replyTicket', 'sendMessage', 'submit', 'updateCase']);
    expect(operationOf('POST', '/forms/{formId}/submissions').requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmissionRequest' } } },
    });
  });

  it('lets every route be asked for English (Accept-Language)', () => {
    for (const route of routes) expect(parametersOf(route.method, route.path).map((p) => p.name)).toContain('Accept-Language');
  });

  it('names the path parameters of every route', () => {
    for (const route of routes) {
      const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const inPath = parametersOf(route.method, route.path).filter((p) => p.in === 'path');
      expect(inPath.map((p) => p.name)).toEqual(names);
      for (const parameter of inPath) expect(parameter.required).toBe(true);
    }
  });

  it('documents the list query parameters, with limit as an integer of 1 to 100', () => {
    const query = parametersOf('GET', '/cases').filter((p) => p.in === 'query');
    expect(query.map((p) => p.name)).toEqual(['office', 'formId', 'status', 'limit', 'cursor']);
    expect(query.find((p) => p.name === 'limit')).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } });
    expect(parametersOf('GET', '/forms/{formId}').find((p) => p.name === 'version')).toMatchObject({ in: 'query', schema: { type: 'integer', minimum: 1 } });
  });

  it('takes Idempotency-Key on submissions: 1 to 255 visible ASCII characters, as the contract says', () => {
    expect(parametersOf('POST', '/forms/{formId}/submissions').find((p) => p.name === 'Idempotency-Key')).toMatchObject({ in: 'header', required: false });
    expect((document.components as { schemas: Record<string, Json> }).schemas.IdempotencyKey?.pattern).toBe('^[\\x21-\\x7E]{1,255}$');
  });

  it('requires If-Match on PATCH and answers ETag where the contract says', () => {
    expect(parametersOf('PATCH', '/cases/{caseId}').find((p) => p.name === 'If-Match')).toMatchObject({ in: 'header', required: true });
    expect(headerNames(responseOf('GET', '/cases/{caseId}', '200'))).toEqual(expect.arrayContaining(['ETag', 'Cache-Control']));
    expect(headerNames(responseOf('PATCH', '/cases/{caseId}', '200'))).toEqual(expect.arrayContaining(['ETag', 'Cache-Control']));
    expect(headerNames(responseOf('PATCH', '/cases/{caseId}', '412'))).toContain('ETag');
  });

  it('marks every answer with case data as never cached', () => {
    for (const route of routes.filter((r) => r.access === 'clerk')) {
      const [success] = Object.keys(responsesOf(route.method, route.path)).sort();
      expect(responseOf(route.method, route.path, success!).headers).toMatchObject({ 'Cache-Control': { $ref: '#/components/headers/NoStore' } });
    }
  });

  it('documents GET /health for the local server only', () => {
    expect(paths['/health']).toMatchObject({ servers: [{ url: 'http://127.0.0.1:3000' }], get: { operationId: 'health' } });
  });
});

describe('GET /openapi.json', () => {
  afterAll(() => {
    removeTempDirs();
    delete process.env.OPENAPI_FILE;
  });

  it('answers the document with X-Request-Id and a public cache lifetime', async () => {
    // The file the stack ships beside the function (infra/openapiFile.ts), as its environment names it.
    const file = join(tempDir('egov-openapi-'), 'openapi.json');
    writeFileSync(file, servedOpenApiDocument());
    process.env.OPENAPI_FILE = file;
    const { handler: openapiHandler } = await import('../../../functions/openapi/handler.ts');
    const event = { resource: '/openapi.json', httpMethod: 'GET', path: '/openapi.json', headers: {}, requestContext: { requestId: 'req-openapi' } };
    const answer = await openapiHandler(event as unknown as APIGatewayProxyEvent, { getRemainingTimeInMillis: () => 10_000 } as Context);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'X-Request-Id': 'req-openapi',
    });
    expect(JSON.parse(answer.body)).toEqual(document);
    // Minified, as the document was answered when the function carried it in its code.
    expect(answer.body).toBe(JSON.stringify(document));
  });
});
