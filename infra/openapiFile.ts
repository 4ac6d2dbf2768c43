import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The generated OpenAPI document in the repository (`npm run openapi`, pretty-printed for review). */
export const OPENAPI_DOCUMENT = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/**
 * The document as `GET /openapi.json` answers it, minified as JSON.stringify writes it: the file the
 * stack ships beside the openapi function (infra/constructs/functions.ts) and the local stack writes
 * into its data folder, which the function answers as read.
 */
export function servedOpenApiDocument(): string {
  return JSON.stringify(JSON.parse(readFileSync(OPENAPI_DOCUMENT, 'utf8')));
}
