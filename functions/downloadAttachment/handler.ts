import { s3 } from '#lib/attachments/s3.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createDownloadAttachment } from './downloadAttachment.ts';

const config = readConfig(functions.downloadAttachment.needs);
const events = createEventLog(dynamodb, config.EVENTS_TABLE);

export const handler = httpRoute(
  createDownloadAttachment({
    cases: createCaseStore(dynamodb, config.CASES_TABLE, events),
    events,
    dynamodb,
    casesTable: config.CASES_TABLE,
    s3,
    vaultBucket: config.VAULT_BUCKET,
  }),
);
