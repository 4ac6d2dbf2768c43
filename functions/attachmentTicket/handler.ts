import { createAttachmentStore } from '#lib/attachments/store.ts';
import { s3 } from '#lib/attachments/s3.ts';
import { readFormCatalogue } from '#lib/forms/reading.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { dynamodb, kms } from '#lib/runtime/clients.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createAttachmentTicket } from './attachmentTicket.ts';

const config = readConfig(functions.attachmentTicket.needs);

export const handler = httpRoute(
  createAttachmentTicket({
    // Checked at synth (infra/forms.ts).
    forms: readFormCatalogue(config.FORMS_DIR),
    attachments: createAttachmentStore(dynamodb, config.ATTACHMENTS_TABLE),
    kms,
    attachmentKeyId: config.ATTACHMENT_KEY_ID,
    s3,
    quarantineBucket: config.QUARANTINE_BUCKET,
  }),
  { jsonBody: true },
);
