import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { hasCaseFile } from '#lib/attachments/caseFiles.ts';
import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import { presignDownload } from '#lib/attachments/presign.ts';
import { DOWNLOAD_SECONDS } from '#lib/attachments/upload.ts';
import { caseIdOf, clerkOf, visibleTo } from '#lib/cases/access.ts';
import type { EventLog } from '#lib/cases/events.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';

export interface DownloadAttachmentDeps {
  cases: CaseStore;
  events: EventLog;
  dynamodb: DynamoDBClient;
  casesTable: string;
  s3: S3Client;
  vaultBucket: string;
  now?: () => Date;
}

const notFound = () => new ProblemError('not-found', { detail: { de: 'Datei unbekannt.', en: 'Unknown attachment.' } });

/**
 * GET /cases/{caseId}/attachments/{attachmentId}: a download URL of a file of a case the clerk
 * may see (of the form, or of a message or reply), valid for 60 seconds. The view is recorded (`case.attachment_viewed`) before the URL
 * leaves; if it cannot be recorded, no URL leaves.
 */
export function createDownloadAttachment(deps: DownloadAttachmentDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const caseId = caseIdOf(event);
    const attachmentId = event.pathParameters?.attachmentId ?? '';
    const stored = visibleTo(clerk, await deps.cases.get(caseId));
    if (!ATTACHMENT_ID.test(attachmentId)) throw notFound();
    if (!(await hasCaseFile(deps.dynamodb, deps.casesTable, caseId, attachmentId))) throw notFound();

    const now = (deps.now ?? (() => new Date()))();
    await deps.events.append(caseId, { at: now.toISOString(), type: 'case.attachment_viewed', actor: clerk.sub, detail: attachmentId }, stored.expiresAt);
    const url = await presignDownload(deps.s3, deps.vaultBucket, attachmentId, DOWNLOAD_SECONDS);
    return json(200, { url, expiresAt: new Date(now.getTime() + DOWNLOAD_SECONDS * 1000).toISOString() }, { noStore: true });
  };
}
