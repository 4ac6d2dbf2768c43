import type { KMSClient } from '@aws-sdk/client-kms';
import { caseIdOf, clerkOf } from '#lib/cases/access.ts';
import { contextOf, summaryMessage, verifyStoredCase } from '#lib/cases/integrity.ts';
import { allowedTransitions, canTransition, MAX_NOTE_CHARS, MAX_NOTES } from '#lib/cases/model.ts';
import { newId, nextSummary, StaleCaseError, type CaseStore } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ifMatchOf } from '#lib/http/ifMatch.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { caseChangeOf } from './request.ts';

export interface UpdateCaseDeps {
  cases: CaseStore;
  kms: KMSClient;
  caseKeyId: string;
  now?: () => Date;
}

/** The case's entity tag: its version as a strong ETag. */
const entityTagOf = (version: number): string => `"${version}"`;

const noteProblem = (keyword: string, de: string, en: string) =>
  new ProblemError('validation-failed', { errors: [{ pointer: '/note', keyword, message: en }], detail: { de, en } });

/**
 * PATCH /cases/{caseId}: one step of the workflow and/or a note. Under the case's data key (one
 * Decrypt) the stored summary MAC is checked, the note sealed and the MAC renewed for the summary
 * after the change; the change is written only if nobody changed the case meanwhile.
 */
export function createUpdateCase(deps: UpdateCaseDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const caseId = caseIdOf(event);
    const change = caseChangeOf(event.body);
    if (change.status === undefined && change.note === undefined) {
      throw new ProblemError('malformed-request', {
        detail: { de: 'Bitte einen Status oder eine Notiz angeben.', en: 'Send a status, a note, or both.' },
        errors: [{ pointer: '/status', keyword: 'required' }],
      });
    }
    const ifMatch = ifMatchOf(event.headers);
    if (ifMatch === undefined) throw new ProblemError('precondition-required');

    const current = await deps.cases.loadFor(clerk, caseId);
    const { summary, envelope, notes } = current;
    // A strong comparison, byte for byte (RFC 9110): `"01"`, `W/"1"` or `*` never match `"1"`.
    if (ifMatch !== entityTagOf(summary.version)) throw new ProblemError('precondition-failed', { headers: { ETag: entityTagOf(summary.version) } });
    const to = change.status ?? summary.status;
    if (change.status !== undefined && !canTransition(summary.status, change.status)) {
      const allowed = allowedTransitions(summary.status);
      throw new ProblemError('invalid-transition', {
        detail: {
          de: `Von „${summary.status}“ nicht nach „${change.status}“; erlaubt: ${allowed.join(', ') || 'keiner'}.`,
          en: `Not from "${summary.status}" to "${change.status}"; allowed: ${allowed.join(', ') || 'none'}.`,
        },
      });
    }
    if (change.note !== undefined && [...change.note].length > MAX_NOTE_CHARS) {
      throw noteProblem('maxLength', `Eine Notiz hat höchstens ${MAX_NOTE_CHARS} Zeichen.`, `A note has at most ${MAX_NOTE_CHARS} characters.`);
    }
    if (change.note !== undefined && notes.length >= MAX_NOTES) {
      throw noteProblem('maxItems', `Ein Vorgang hat höchstens ${MAX_NOTES} Notizen.`, `A case has at most ${MAX_NOTES} notes.`);
    }

    const at = (deps.now ?? (() => new Date()))().toISOString();
    const sealed = await withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
      verifyStoredCase(key, current, notes);
      const note = change.note === undefined ? undefined : { noteId: newId(), text: change.note };
      const notesAfter = note ? [...notes, { noteId: note.noteId, at, actor: clerk.sub }] : notes;
      return {
        note: note && { noteId: note.noteId, sealed: key.seal(`note:${note.noteId}`, Buffer.from(note.text, 'utf8')) },
        mac: key.mac(summaryMessage(nextSummary(summary, { to, at }), current.expiresAt, notesAfter, current.identity !== undefined)),
      };
    });

    try {
      const next = await deps.cases.change(current, { to, actor: clerk.sub, at, ...sealed });
      return json(200, next, { noStore: true, headers: { ETag: entityTagOf(next.version) } });
    } catch (error) {
      if (error instanceof StaleCaseError) throw new ProblemError('precondition-failed');
      throw error;
    }
  };
}
