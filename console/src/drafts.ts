/**
 * Notes being typed, per case, kept in session storage: an expired session, a sign-in round trip
 * through Cognito or a reload loses none of them. Cleared once the note is saved; gone with the tab.
 */
const key = (caseId: string) => `egov-console.draft.${caseId}`;

export const readDraft = (caseId: string): string => sessionStorage.getItem(key(caseId)) ?? '';

export function writeDraft(caseId: string, text: string): void {
  if (text) sessionStorage.setItem(key(caseId), text);
  else sessionStorage.removeItem(key(caseId));
}
