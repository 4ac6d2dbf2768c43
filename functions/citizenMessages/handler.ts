import { httpRoute } from '#lib/http/pipeline.ts';
import { citizenAccessFor } from '#lib/messages/citizenRoute.ts';
import { createMessageStore } from '#lib/messages/store.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createCitizenMessages } from './citizenMessages.ts';

const config = readConfig(functions.citizenMessages.needs);

export const handler = httpRoute(
  createCitizenMessages({
    citizenCase: citizenAccessFor(config),
    messages: createMessageStore(dynamodb, config.CASE_PARTITIONS_TABLE),
    kms,
    messageKeyId: config.MESSAGE_KEY_ID,
  }),
);
