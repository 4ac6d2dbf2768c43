import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, openApiJson } from '#lib/api/openapi.ts';
import { routes } from '../../functions/functions.ts';
import { exitUnlessNoArguments } from './noArguments.ts';

/**
 * `npm run openapi`: writes docs/openapi.json from the route table and the zod shapes. Never edit
 * that file by hand; a unit test fails when it differs from what this writes.
 */
export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

const USAGE = 'usage: npm run openapi [-- --help]\n\nWrites docs/openapi.json from the function table and the zod shapes (takes no arguments).';
exitUnlessNoArguments(USAGE);
writeFileSync(OPENAPI_FILE, openApiJson(buildOpenApiDocument(routes)));
console.log(`wrote ${OPENAPI_FILE}`);
