import type { KMSClient } from '@aws-sdk/client-kms';
import { caseIdOf, clerkOf } from '#lib/cases/access.ts';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, verifyStoredCase } from '#lib/cases/integrity.ts';
import { openIdentity } from '#lib/cases/identity.ts';
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

/** The outcome a settled step leads to: its value, or its reason thrown. */
function valueOf<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === 'rejected') throw settled.reason;
  return settled.value;
}

/**
 * GET /cases/{caseId}: the case decrypted for a clerk of its office. One KMS Decrypt opens the
 * form data and every note and checks the summary MAC; the read is recorded before any data
 * leaves, and if it cannot be recorded, nothing leaves.
 *
 * The `case.viewed` write and the decryption run at once, once the case is loaded: the answer
 * waits for both, so data leaves only after the read is recorded. A failed decryption keeps its
 * own answer (503, or 500 integrity-error) even when the audit write also failed; its `case.viewed`
 * may then already be recorded, an audit record of a read that returned no data (the safe side).
 */
export function createGetCase(deps: GetCaseDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const stored = await deps.cases.loadFor(clerk, caseIdOf(event));
    const { summary, envelope, notes, expiresAt } = stored;

    const [decrypted, files, recorded] = await Promise.allSettled([
      withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
        verifyStoredCase(key, stored, notes);
        return {
          data: JSON.parse(key.open('data', envelope).toString('utf8')) as unknown,
          authentication: openIdentity(key, stored.identity),
          notes: notes.map((note) => ({ at: note.at, actor: note.actor, text: key.open(`note:${note.noteId}`, note.sealed).toString('utf8') })),
        };
      }),
      openCaseFiles(deps.kms, deps.attachmentKeyId ?? deps.caseKeyId, summary, stored.files),
      deps.events.append(summary.caseId, { at: new Date().toISOString(), type: 'case.viewed', actor: clerk.sub }, expiresAt),
    ]);
    const opened = valueOf(decrypted);
    const attachments = valueOf(files);
    valueOf(recorded);
    const authentication = opened.authentication ? { authentication: opened.authentication } : {};
    return json(200, { ...summary, data: opened.data, ...authentication, notes: opened.notes, attachments }, { noStore: true, headers: { ETag: `"${summary.version}"` } });
  };
}
