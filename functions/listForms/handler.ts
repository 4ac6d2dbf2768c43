import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { readPublicDocuments } from '#lib/forms/public.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { json } from '#lib/http/response.ts';

/** GET /forms: the latest version of every form, sorted by id, as the build prepared it (infra/formsBuild.ts). */
const { list } = readPublicDocuments(readConfig(functions.listForms.needs).FORMS_DIR);

export const handler = httpRoute(async () => json(200, list, { headers: { 'Cache-Control': 'public, max-age=300' } }));
