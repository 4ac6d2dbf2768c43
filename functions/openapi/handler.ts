import { buildOpenApiDocument } from '#lib/api/openapi.ts';
import { routes } from '../functions.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { json } from '#lib/http/response.ts';

/** GET /openapi.json: the contract as OpenAPI 3.1. Built once per cold start: it changes only with a deploy. */
const document = buildOpenApiDocument(routes);

export const handler = httpRoute(async () => json(200, document, { headers: { 'Cache-Control': 'public, max-age=300' } }));
