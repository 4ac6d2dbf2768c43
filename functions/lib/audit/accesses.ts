import type { CaseEvent, EventType } from '#lib/cases/model.ts';

/**
 * Accesses to a case's plaintext, as the citizen (`GET /status/{reference}/accesses`) and the
 * data-protection officer (`npm run audit -- report`) see them: which events are one, of what kind,
 * and by whom — an office's display name or `system`, never a clerk's name.
 */
export const ACCESS_KINDS = ['viewed', 'file-viewed', 'exported', 'delivered', 'mail'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

export interface Access {
  at: string;
  kind: AccessKind;
  by: string;
}

/** The worker whose decryptions are the confirmation mail (and, after the messages merge, the news mails). */
const MAIL_ACTORS: ReadonlySet<string> = new Set(['system:confirmation']);
/**
 * The delivery worker records its decryption as `case.viewed` and the handover as `case.delivered`:
 * the citizen sees the handover (the data reached the office's own system), once per delivery;
 * the data-protection officer's report lists every decryption as well.
 */
const DELIVERY_ACTORS: ReadonlySet<string> = new Set(['system:delivery']);

const KIND_OF_TYPE: Partial<Record<EventType, AccessKind>> = {
  'case.viewed': 'viewed',
  'case.attachment_viewed': 'file-viewed',
  'case.exported': 'exported',
  'case.delivered': 'delivered',
};

/** The kind of access an event records, or undefined when it records none (received, status changes, outcomes). */
export function accessKindOf(event: Pick<CaseEvent, 'type' | 'actor'>): AccessKind | undefined {
  if (event.type === 'case.viewed' && MAIL_ACTORS.has(event.actor)) return 'mail';
  if (event.type === 'case.viewed' && DELIVERY_ACTORS.has(event.actor)) return undefined;
  return KIND_OF_TYPE[event.type];
}

/** Whether an event records a decryption or handover of the case's plaintext (the report's rows). */
export function isPlaintextAccess(event: Pick<CaseEvent, 'type' | 'actor'>): boolean {
  return accessKindOf(event) !== undefined || (event.type === 'case.viewed' && DELIVERY_ACTORS.has(event.actor));
}

export const SYSTEM = 'system';
const isSystem = (actor: string): boolean => actor.startsWith('system:');

/**
 * A case's accesses, oldest first. A clerk's access is attributed to the case's office (a clerk
 * sees only his offices' cases) by its display name; a worker's to `system`.
 */
export function accessesOf(events: readonly CaseEvent[], officeName: string): Access[] {
  return events.flatMap((event) => {
    const kind = accessKindOf(event);
    if (kind === undefined) return [];
    // The handover goes to the office's own system: the office is who receives the data.
    const byOffice = kind === 'delivered' || !isSystem(event.actor);
    return [{ at: event.at, kind, by: byOffice ? officeName : SYSTEM }];
  });
}
