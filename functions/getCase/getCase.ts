import type { KMSClient } from '@aws-sdk/client-kms';
import { caseIdOf, clerkOf } from '#lib/cases/access.ts';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, verifyStoredCase } from '#lib/cases/integrity.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { openCaseFiles } from '#lib/attachments/caseMetadata.ts';

export interface GetCaseDeps {
  cases: CaseStore;
  events: EventLog;
  kms: KMSClient;
  caseKeyId: string;
  /** The key of the attachment metadata (the case key, another context); default: `caseKeyId`. */
  attachmentKeyId?: string;
}

/**
 * GET /cases/{caseId}: the case decrypted for a clerk of its office. One KMS Decrypt opens the
 * form data and every note and checks the summary MAC; the read is recorded before any data
 * leaves, and if it cannot be recorded, nothing leaves.
 */
export function createGetCase(deps: GetCaseDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const stored = await deps.cases.loadFor(clerk, caseIdOf(event));
    const { summary, envelope, notes, expiresAt } = stored;

    const opened = await withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
      verifyStoredCase(key, stored, notes);
      return {
        data: JSON.parse(key.open('data', envelope).toString('utf8')) as unknown,
        notes: notes.map((note) => ({ at: note.at, actor: note.actor, text: key.open(`note:${note.noteId}`, note.sealed).toString('utf8') })),
      };
    });

    const attachments = await openCaseFiles(deps.kms, deps.attachmentKeyId ?? deps.caseKeyId, summary, stored.files);

    await deps.events.append(summary.caseId, { at: new Date().toISOString(), type: 'case.viewed', actor: clerk.sub }, expiresAt);
    return json(200, { ...summary, data: opened.data, notes: opened.notes, attachments }, { noStore: true, headers: { ETag: `"${summary.version}"` } });
  };
}
