import { createCaseStore } from '#lib/cases/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { createCaseRange } from '#lib/export/range.ts';
import { readFormCatalogue } from '#lib/forms/reading.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createExportCases } from './exportCases.ts';

const config = readConfig(functions.exportCases.needs);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);
// Checked at synth (infra/forms.ts): read without Ajv, no schema is compiled at cold start.
const forms = readFormCatalogue(config.FORMS_DIR);

export const handler = httpRoute(
  createExportCases({
    range: createCaseRange(dynamodb, config.CASES_TABLE),
    cases: createCaseStore(dynamodb, config.CASES_TABLE, events),
    events,
    kms,
    caseKeyId: config.CASE_KEY_ID,
    forms,
  }),
);
