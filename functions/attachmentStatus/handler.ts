import { createAttachmentStore } from '#lib/attachments/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createAttachmentStatus } from './attachmentStatus.ts';

const config = readConfig(functions.attachmentStatus.needs);

export const handler = httpRoute(createAttachmentStatus({ attachments: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE) }));
