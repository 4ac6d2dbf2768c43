import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, openApiJson } from '#lib/api/openapi.ts';
import { routes } from '../../functions/functions.ts';

/**
 * `npm run openapi`: writes docs/openapi.json from the route table and the zod shapes. Never edit
 * that file by hand; a unit test fails when it differs from what this writes.
 */
export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

writeFileSync(OPENAPI_FILE, openApiJson(buildOpenApiDocument(routes)));
console.log(`wrote ${OPENAPI_FILE}`);
