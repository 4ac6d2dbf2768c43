import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { readPublicDocuments } from '#lib/forms/public.ts';
import { fixedRoute } from '#lib/http/fixedRoute.ts';
import { json } from '#lib/http/response.ts';

/** GET /forms: the latest version of every form, sorted by id, as the build prepared it (infra/formsBuild.ts). */
const { list } = readPublicDocuments(readConfig(functions.listForms.needs).FORMS_DIR);
const answer = json(200, list, { headers: { 'Cache-Control': 'public, max-age=300' } });

export const handler = fixedRoute(() => answer);
