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

/** Where the delivery to the office's back-office system stands (API.md); `null`: the office has no destination, or the case has not been picked up yet. */
export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

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
  delivery: DeliveryState | null;
}

export const EVENT_TYPES = [
  'case.received',
  'case.viewed',
  'case.status_changed',
  'case.note_added',
  'case.attachment_viewed',
  'case.exported',
  'case.delivered',
  'case.delivery_failed',
  'case.confirmation_sent',
  'case.confirmation_failed',
  'case.message_sent',
  'case.reply_received',
  'case.citizen_notified',
  'case.decision_downloaded',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface CaseEvent {
  at: string;
  type: EventType;
  actor: string;
  from?: CaseStatus;
  to?: CaseStatus;
  /**
   * What the event concerns beyond the case, never citizen data: the attachment id of
   * `case.attachment_viewed` and `case.decision_downloaded`, the message id of `case.message_sent`,
   * `case.reply_received` and `case.citizen_notified`, and of the delivery worker's `case.viewed`,
   * `case.delivered` and `case.delivery_failed` of a follow-up delivery (a reply, a decision).
   */
  detail?: string;
}

/** The confirmation worker, as the actor of the decryption it records and of its outcome. */
export const CONFIRMATION_ACTOR = 'system:confirmation';

/** Who submitted: citizens are anonymous to the backend. */
export const CITIZEN_ACTOR = 'citizen';
