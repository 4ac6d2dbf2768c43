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
import { openMessages } from '#lib/messages/reading.ts';

export interface GetCaseDeps {
  cases: CaseStore;
  events: EventLog;
  kms: KMSClient;
  caseKeyId: string;
  /** The key of the attachment metadata (the case key, another context); default: `caseKeyId`. */
  attachmentKeyId?: string;
  /** The key of messages (the case key, the message context); default: `caseKeyId`. */
  messageKeyId?: string;
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
    const caseId = caseIdOf(event);
    // The chain's head is read while the case loads (unless this instance knows it: no read at
    // all), so that recording the read below costs one write only (issue 30). Not used if the
    // clerk may not see the case; swallowed then, so it cannot fail the 404.
    const headRead = deps.events.headForAppend(caseId);
    headRead?.catch(() => undefined);
    const stored = await deps.cases.loadFor(clerk, caseId);
    const { summary, envelope, notes, expiresAt } = stored;

    const [decrypted, files, messages, recorded] = await Promise.allSettled([
      withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
        verifyStoredCase(key, stored, notes);
        return {
          data: JSON.parse(key.open('data', envelope).toString('utf8')) as unknown,
          authentication: openIdentity(key, stored.identity),
          notes: notes.map((note) => ({ at: note.at, actor: note.actor, text: key.open(`note:${note.noteId}`, note.sealed).toString('utf8') })),
        };
      }),
      openCaseFiles(deps.kms, deps.attachmentKeyId ?? deps.caseKeyId, summary, stored.files),
      openMessages(deps.kms, deps.messageKeyId ?? deps.caseKeyId, summary, stored.messages),
      deps.events.append(summary.caseId, { at: new Date().toISOString(), type: 'case.viewed', actor: clerk.sub }, expiresAt, headRead),
    ]);
    const opened = valueOf(decrypted);
    const attachments = valueOf(files);
    const conversation = valueOf(messages);
    valueOf(recorded);
    const authentication = opened.authentication ? { authentication: opened.authentication } : {};
    return json(200, { ...summary, data: opened.data, ...authentication, notes: opened.notes, attachments, messages: conversation }, { noStore: true, headers: { ETag: `"${summary.version}"` } });
  };
}
