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

export const EVENT_TYPES = ['case.received', 'case.viewed', 'case.status_changed'] as const;
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
