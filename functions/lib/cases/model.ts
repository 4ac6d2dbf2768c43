/** The case domain: statuses, the workflow of API.md, and what a clerk's list shows. */

export const CASE_STATUSES = ['received', 'in_review', 'needs_info', 'approved', 'rejected', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ['in_review'],
  in_review: ['needs_info', 'approved', 'rejected'],
  needs_info: ['in_review'],
  approved: ['closed'],
  rejected: ['closed'],
  closed: [],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Where a case may go from a status (API.md): what a `409 invalid-transition` names. */
export function allowedTransitions(from: CaseStatus): readonly CaseStatus[] {
  return TRANSITIONS[from];
}

/** A note has at most this many characters, a case at most this many notes (API.md). */
export const MAX_NOTE_CHARS = 4_000;
export const MAX_NOTES = 100;

export interface CaseSummary {
  caseId: string;
  reference: string;
  formId: string;
  formVersion: number;
  office: string;
  status: CaseStatus;
  receivedAt: string;
  updatedAt: string;
  version: number;
}

export const EVENT_TYPES = ['case.received', 'case.viewed', 'case.status_changed', 'case.note_added', 'case.exported'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface CaseEvent {
  at: string;
  type: EventType;
  actor: string;
  from?: CaseStatus;
  to?: CaseStatus;
}

/** Who submitted: citizens are anonymous to the backend. */
export const CITIZEN_ACTOR = 'citizen';
