import { s3 } from '#lib/attachments/s3.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { citizenAccessFor } from '#lib/messages/citizenRoute.ts';
import { createMessageStore } from '#lib/messages/store.ts';
import { dynamodb } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createCitizenDownload } from './citizenDownload.ts';

const config = readConfig(functions.citizenDownload.needs);

export const handler = httpRoute(
  createCitizenDownload({
    citizenCase: citizenAccessFor(config),
    messages: createMessageStore(dynamodb, config.CASE_PARTITIONS_TABLE),
    events: createEventLog(dynamodb, config.EVENTS_TABLE),
    s3,
    vaultBucket: config.VAULT_BUCKET,
  }),
);
