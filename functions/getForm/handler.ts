import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { readPublicDocuments } from '#lib/forms/public.ts';
import { fixedRoute } from '#lib/http/fixedRoute.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json } from '#lib/http/response.ts';
import { formVersionOf } from './query.ts';

/** Every form version's answer, as the build prepared it (infra/formsBuild.ts). */
const { forms } = readPublicDocuments(readConfig(functions.getForm.needs).FORMS_DIR);

/** GET /forms/{formId}[?version=N]: one form version with its JSON Schema, for rendering and pre-validation. */
export const handler = fixedRoute((event) => {
  const version = formVersionOf(event.queryStringParameters ?? {});
  const formId = event.pathParameters?.formId ?? '';
  const form = Object.hasOwn(forms, formId) ? forms[formId] : undefined;
  const body = form && form.versions[String(version ?? form.latest)];
  if (body === undefined) throw new ProblemError('not-found', { detail: { de: 'Formular oder Version unbekannt.', en: 'Unknown form or form version.' } });
  return json(200, body, { headers: { 'Cache-Control': 'public, max-age=300' } });
});
