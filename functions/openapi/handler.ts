import { fixedRoute } from '#lib/http/fixedRoute.ts';
import { json } from '#lib/http/response.ts';
// Generated from the function table and the zod shapes by `npm run openapi`; a unit test fails when
// it differs from what the code generates (test/unit/api/openapi.test.ts). Bundled as data: a cold
// start builds nothing and loads no zod.
import document from '../../docs/openapi.json' with { type: 'json' };

/** GET /openapi.json: the contract as OpenAPI 3.1, prepared at build time (it changes only with a deploy). */
export const handler = fixedRoute(() => json(200, document, { headers: { 'Cache-Control': 'public, max-age=300' } }));
