import type { FunctionComponent } from 'preact';
import { AccessesSection } from './accesses.ts';
import { MessagesSection } from './messages.ts';

/**
 * The sections of the status page below the time line. Room kept for the routes that other work
 * adds (API.md): the office's messages and the citizen's replies (`GET /status/{reference}/messages`,
 * *Messages*) and who accessed the data (`GET /status/{reference}/accesses`, *Audit*). Each is a
 * component that gets the reference, the status token (send it only as the `Status-Token` header)
 * and the status already loaded; append it here and the page shows it in this order.
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
  token: string;
  status: CaseStatus;
  /** Reads the status again (after a reply, whose worker moves `needs_info` back to `in_review`). */
  reload?: () => void;
  /** Counts the page's loads of the status ("Refresh" included): sections read their lists again when it changes. */
  loads?: number;
}

export const statusSections: FunctionComponent<StatusSectionProps>[] = [MessagesSection, AccessesSection];
