import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { json } from '#lib/http/response.ts';

// Checked at synth (infra/forms.ts): no schema is compiled at cold start.
const forms = loadFormCatalogue(readConfig(functions.listForms.needs).FORMS_DIR, { verify: false });

/** GET /forms: the latest version of every form, sorted by id. Built once: forms change only with a deploy. */
const body = {
  items: forms.list().map(({ id, version, office, title, description }) => ({ id, version, office, title, description })),
};

export const handler = httpRoute(async () => json(200, body, { headers: { 'Cache-Control': 'public, max-age=300' } }));
