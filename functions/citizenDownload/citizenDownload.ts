import type { S3Client } from '@aws-sdk/client-s3';
import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import { presignDownload } from '#lib/attachments/presign.ts';
import { DOWNLOAD_SECONDS } from '#lib/attachments/upload.ts';
import type { EventLog } from '#lib/cases/events.ts';
import { CITIZEN_ACTOR } from '#lib/cases/model.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import type { CitizenAccess } from '#lib/messages/citizenAccess.ts';
import type { MessageStore } from '#lib/messages/store.ts';
import { citizenNotFound } from '#lib/status/citizenCase.ts';

export interface CitizenDownloadDeps {
  citizenCase: CitizenAccess;
  messages: Pick<MessageStore, 'messageFileOf'>;
  events: Pick<EventLog, 'append'>;
  s3: S3Client;
  vaultBucket: string;
  now?: () => Date;
}

/**
 * GET /status/{reference}/attachments/{attachmentId}: a download URL (60 seconds) of a file of one
 * of the case's messages or replies, behind the status token; a file of the submitted form, of
 * another case or an unknown id is the same 404. The decision's file is recorded as
 * `case.decision_downloaded` before the URL leaves.
 */
export function createCitizenDownload(deps: CitizenDownloadDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const { summary, expiresAt } = await deps.citizenCase(event);
    const attachmentId = event.pathParameters?.attachmentId ?? '';
    if (!ATTACHMENT_ID.test(attachmentId)) throw citizenNotFound();
    const file = await deps.messages.messageFileOf(summary.caseId, attachmentId);
    if (!file) throw citizenNotFound();
    const now = (deps.now ?? (() => new Date()))();
    if (file.kind === 'decision') {
      await deps.events.append(summary.caseId, { at: now.toISOString(), type: 'case.decision_downloaded', actor: CITIZEN_ACTOR, detail: attachmentId }, expiresAt);
    }
    const url = await presignDownload(deps.s3, deps.vaultBucket, attachmentId, DOWNLOAD_SECONDS);
    return json(200, { url, expiresAt: new Date(now.getTime() + DOWNLOAD_SECONDS * 1000).toISOString() }, { noStore: true });
  };
}
