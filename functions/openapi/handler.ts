import { createRequire } from 'node:module';
import type * as nodeFs from 'node:fs';
import { fixedRoute } from '#lib/http/fixedRoute.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';

// `node:fs` through `require`, as functions/lib/forms/public.ts explains (an ESM import of it costs ~4 ms).
const fs = createRequire(import.meta.url)('node:fs') as typeof nodeFs;

/**
 * GET /openapi.json: the contract as OpenAPI 3.1, generated from the function table and the zod
 * shapes by `npm run openapi` (docs/openapi.json; a unit test fails when it differs from what the
 * code generates, test/unit/api/openapi.test.ts). The stack ships it beside the function minified,
 * and the local stack writes the same file into its data folder (infra/openapiFile.ts); it is
 * answered as read: no JSON in the bundle (whose source map grew with every token of it), nothing
 * parsed at cold start.
 */
const body = fs.readFileSync(readConfig(functions.openapi.needs).OPENAPI_FILE, 'utf8');
const answer = { statusCode: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' }, body };

export const handler = fixedRoute(() => answer);
