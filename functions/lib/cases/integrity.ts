import type { CaseContext, DataKey } from '#lib/crypto/envelope.ts';
import type { CaseSummary } from './model.ts';
import type { StoredCase } from './store.ts';
import { AUTHENTICATED_SUMMARY_ATTRIBUTES } from './tables.ts';

/**
 * What the case's summary MAC covers (under a key derived from its data key, crypto/envelope.ts):
 * every summary attribute but the delivery state (tables.ts), the expiry, and the metadata of every note, so that a status, date,
 * office, author or a whole note changed or removed in the table is an integrity error on read.
 * Renewed with every change a clerk makes.
 */
export interface NoteMetadata {
  readonly noteId: string;
  readonly at: string;
  readonly actor: string;
}

export function summaryMessage(summary: CaseSummary, expiresAt: number, notes: readonly NoteMetadata[], identified = false): string {
  const manifest = [...notes].sort((a, b) => (a.noteId < b.noteId ? -1 : a.noteId > b.noteId ? 1 : 0)).map((note) => [note.noteId, note.at, note.actor]);
  // A case submitted after sign-in says so under the MAC: removing its sealed identity from the
  // item is then an integrity error, not an anonymous case (cases without one keep their message).
  return JSON.stringify(['egov-forms/summary/v2', ...AUTHENTICATED_SUMMARY_ATTRIBUTES.map((name) => summary[name]), expiresAt, manifest, ...(identified ? ['identified'] : [])]);
}

/** The encryption context of a case: what its data key and ciphertexts are bound to. */
export function contextOf(summary: CaseSummary): CaseContext {
  return { caseId: summary.caseId, formId: summary.formId, formVersion: summary.formVersion, office: summary.office };
}

/** Checks the stored summary MAC against the stored summary, expiry and notes; throws an IntegrityError on any difference. */
export function verifyStoredCase(key: DataKey, stored: Pick<StoredCase, 'summary' | 'expiresAt' | 'mac' | 'identity'>, notes: readonly NoteMetadata[]): void {
  key.verify(summaryMessage(stored.summary, stored.expiresAt, notes, stored.identity !== undefined), stored.mac);
}
