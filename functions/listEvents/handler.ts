import { createCaseStore } from '#lib/cases/store.ts';
import { caseIdOf, clerkOf } from '#lib/cases/access.ts';
import { dynamodb } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { json } from '#lib/http/response.ts';

const config = readConfig(functions.listEvents.needs);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);
const cases = createCaseStore(dynamodb, config.CASES_TABLE, events);

/** GET /cases/{caseId}/events: the case's audit trail, oldest first. */
export const handler = httpRoute(async (event) => {
  const clerk = clerkOf(event);
  const caseId = caseIdOf(event);
  const [, items] = await Promise.all([cases.assertVisibleTo(clerk, caseId), events.list(caseId)]);
  return json(200, { items }, { noStore: true });
});
