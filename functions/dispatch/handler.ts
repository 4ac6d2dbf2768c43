import { sqs } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createDispatch } from './dispatch.ts';

const config = readConfig(functions.dispatch.needs);

export const handler = createDispatch({
  sqs,
  queues: { deliveries: config.DELIVERIES_QUEUE_URL, confirmations: config.CONFIRMATIONS_QUEUE_URL },
});
