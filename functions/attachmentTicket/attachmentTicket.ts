import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { attachmentSpecAt, type MediaType } from '#lib/attachments/fields.ts';
import { sealMeta } from '#lib/attachments/sealing.ts';
import type { AttachmentStore } from '#lib/attachments/store.ts';
import { attachmentTicketRequestOf } from '#lib/attachments/ticketRequest.ts';
import { issueTicket } from '#lib/attachments/ticketIssue.ts';
import { newId } from '#lib/cases/store.ts';
import type { FormCatalogue } from '#lib/forms/catalogue.ts';
import { preferredLanguage, type Language } from '#lib/http/language.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';

export interface AttachmentTicketDeps {
  forms: FormCatalogue;
  attachments: AttachmentStore;
  kms: KMSClient;
  attachmentKeyId: string;
  s3: S3Client;
  quarantineBucket: string;
  now?: () => Date;
}

const NOT_A_FILE_FIELD = { de: 'ist kein Feld für Dateien in diesem Formular', en: 'is not a file field of this form' };
const TYPE_NOT_ALLOWED = { de: 'ist für dieses Feld nicht erlaubt', en: 'is not allowed for this field' };
const tooLarge = (max: number) => ({ de: `darf höchstens ${max} Bytes groß sein`, en: `must be at most ${max} bytes` });

function unfit(pointer: string, keyword: string, messages: Record<Language, string>, language: Language): ProblemError {
  return new ProblemError('validation-failed', { errors: [{ pointer, keyword, message: messages[language] }] });
}

/**
 * POST /forms/{formId}/attachments: checks the field, type and size against the form's latest
 * version, records a ticket with the file name sealed, and answers a presigned PUT into the
 * quarantine bucket that fixes length, type and checksum and refuses overwrites.
 */
export function createAttachmentTicket(deps: AttachmentTicketDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const body = attachmentTicketRequestOf(event.body);
    const form = deps.forms.get(event.pathParameters?.formId ?? '');
    if (!form) throw new ProblemError('not-found', { detail: { de: 'Formular unbekannt.', en: 'Unknown form.' } });
    const language = preferredLanguage(event.headers['accept-language']);

    const spec = attachmentSpecAt(form.schema, body.field);
    if (!spec) throw unfit('/field', 'x-attachment', NOT_A_FILE_FIELD, language);
    if (!(spec.mediaTypes as readonly string[]).includes(body.mediaType)) throw unfit('/mediaType', 'enum', TYPE_NOT_ALLOWED, language);
    if (body.size > spec.maxBytes) throw unfit('/size', 'maximum', tooLarge(spec.maxBytes), language);

    const now = (deps.now ?? (() => new Date()))();
    const attachmentId = newId(now.getTime());
    const context = { attachmentId, formId: form.id, office: form.office };
    const meta = await sealMeta(deps.kms, deps.attachmentKeyId, context, { fileName: body.fileName, sha256: body.sha256 });
    const ticket = { attachmentId, formId: form.id, formVersion: form.version, office: form.office, field: body.field, mediaType: body.mediaType as MediaType, size: body.size, meta };
    return json(201, await issueTicket(deps, ticket, body.sha256, now), { noStore: true });
  };
}
