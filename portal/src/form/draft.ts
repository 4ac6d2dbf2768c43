import type { Answers } from './pointer.ts';

/**
 * What a citizen typed into one form, kept in this browser tab only (sessionStorage) until the
 * `201`, then removed: a reload or a slip of the back button loses nothing, closing the tab
 * leaves nothing behind. No cookies, no local storage, nothing on a server before submitting.
 */
export interface UploadedFile {
  attachmentId: string;
  fileName: string;
  size: number;
  status: 'awaiting-upload' | 'scanning' | 'clean' | 'rejected';
  reason?: string;
}

export interface Draft {
  formId: string;
  formVersion: number;
  answers: Answers;
  /** The files chosen, by the pointer of their field (one or several per field). */
  files: Record<string, UploadedFile>;
  /** The key of the submission under way: every retry of it sends the same one. */
  idempotencyKey?: string;
}

const key = (formId: string): string => `egov-portal.draft.${formId}`;

/** The draft of a form, if it belongs to the version now offered (another version starts afresh). */
export function readDraft(formId: string, formVersion: number): Draft {
  try {
    const stored = JSON.parse(sessionStorage.getItem(key(formId)) ?? 'null') as Draft | null;
    if (stored && stored.formVersion === formVersion) return stored;
  } catch {
    // a damaged draft starts afresh
  }
  return { formId, formVersion, answers: {}, files: {} };
}

export const writeDraft = (draft: Draft): void => sessionStorage.setItem(key(draft.formId), JSON.stringify(draft));

export const clearDraft = (formId: string): void => sessionStorage.removeItem(key(formId));
