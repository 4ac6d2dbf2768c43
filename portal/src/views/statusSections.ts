import type { FunctionComponent } from 'preact';
import { AccessesSection } from './accesses.ts';
import { MessagesSection } from './messages.ts';

/**
 * The sections of the status page below the time line. Room kept for the routes that other work
 * adds (API.md): the office's messages and the citizen's replies (`GET /status/{reference}/messages`,
 * *Messages*) and who accessed the data (`GET /status/{reference}/accesses`, *Audit*). Each is a
 * component that gets the reference, the token (send it only through `accessHeaders`) and the
 * status already loaded; append it here and the page shows it in this order.
 */
export interface CaseStatus {
  reference: string;
  formId: string;
  status: string;
  receivedAt: string;
  updatedAt: string;
  /** The status changes, oldest first (API.md); optional here, the page copes without it. */
  history?: { at: string; status: string }[];
}

export interface StatusSectionProps {
  reference: string;
  /** The status token of the mail's link, or the citizen token of a signed-in citizen (citizenTokenSections only). */
  token: string;
  status: CaseStatus;
  /** Reads the status again (after a reply, whose worker moves `needs_info` back to `in_review`). */
  reload?: () => void;
  /** Counts the page's loads of the status ("Refresh" included): sections read their lists again when it changes. */
  loads?: number;
}

export const statusSections: FunctionComponent<StatusSectionProps>[] = [MessagesSection, AccessesSection];

/** The sections whose routes also take the citizen token (API.md: the message routes, for a case submitted after sign-in). */
export const citizenTokenSections: FunctionComponent<StatusSectionProps>[] = [MessagesSection];

