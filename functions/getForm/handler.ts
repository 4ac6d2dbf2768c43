import { parseRequest } from '#lib/http/parse.ts';
import { formVersionQuery } from '#lib/api/schemas.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json } from '#lib/http/response.ts';

// Checked at synth (infra/forms.ts): no schema is compiled at cold start.
const forms = loadFormCatalogue(readConfig(functions.getForm.needs).FORMS_DIR, { verify: false });

/** GET /forms/{formId}[?version=N]: one form version with its JSON Schema, for rendering and pre-validation. */
export const handler = httpRoute(async (event) => {
  const query = parseRequest(formVersionQuery, event.queryStringParameters ?? {}, 'query');
  const form = forms.get(event.pathParameters?.formId ?? '', query.version);
  if (!form) throw new ProblemError('not-found', { detail: { de: 'Formular oder Version unbekannt.', en: 'Unknown form or form version.' } });
  const { id, version, office, title, description, schema } = form;
  return json(200, { id, version, office, title, description, schema }, { headers: { 'Cache-Control': 'public, max-age=300' } });
});
