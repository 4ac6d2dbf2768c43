import type { Language } from '../shared/schemaText.ts';

/**
 * A case's history in a clerk's words: every event type and actor of the API (API.md, events) in
 * German and English, and repeated views of the same clerk folded into one line with a count
 * (each view stays an event in the API; only the console's line is shared). Pure, so the unit
 * tests hold it without a browser.
 */
export interface CaseEvent {
  at: string;
  type: string;
  actor: string;
  from?: string;
  to?: string;
  /** For `case.attachment_viewed`: the attachment id. */
  detail?: string;
}

/** One line of the history: an event, or several views of one clerk in a row. */
export interface HistoryLine {
  readonly event: CaseEvent;
  /** How many events the line stands for (1, or the views folded into it). */
  readonly count: number;
  /** The time of the last event folded into the line. */
  readonly until: string;
}

export const EVENT_LABELS: Readonly<Record<string, Record<Language, string>>> = {
  'case.received': { de: 'Eingegangen', en: 'Received' },
  'case.viewed': { de: 'Angesehen', en: 'Viewed' },
  'case.status_changed': { de: 'Status geändert', en: 'Status changed' },
  'case.note_added': { de: 'Notiz hinzugefügt', en: 'Note added' },
  'case.attachment_viewed': { de: 'Anlage abgerufen', en: 'Attachment downloaded' },
  'case.exported': { de: 'Exportiert', en: 'Exported' },
  'case.delivered': { de: 'An das Fachverfahren zugestellt', en: 'Delivered to the back-office system' },
  'case.delivery_failed': { de: 'Zustellung an das Fachverfahren fehlgeschlagen', en: 'Delivery to the back-office system failed' },
  'case.confirmation_sent': { de: 'Eingangsbestätigung versandt', en: 'Confirmation of receipt sent' },
  'case.confirmation_failed': { de: 'Eingangsbestätigung nicht zustellbar', en: 'Confirmation of receipt could not be sent' },
  'case.message_sent': { de: 'Nachricht an Bürger/in gesendet', en: 'Message sent to the citizen' },
  'case.reply_received': { de: 'Antwort der Bürgerin / des Bürgers eingegangen', en: 'Reply from the citizen received' },
  'case.citizen_notified': { de: 'Bürger/in per E-Mail benachrichtigt', en: 'Citizen notified by e-mail' },
  'case.decision_downloaded': { de: 'Bescheid abgerufen', en: 'Decision downloaded' },
};

/** Who acted, in words: the citizen, a worker of the system by its job, a clerk by his id. */
const ACTOR_LABELS: Readonly<Record<string, Record<Language, string>>> = {
  citizen: { de: 'Bürger/in', en: 'Citizen' },
  'system:confirmation': { de: 'Eingangsbestätigung (System)', en: 'Confirmation of receipt (system)' },
  'system:delivery': { de: 'Zustellung an das Fachverfahren (System)', en: 'Delivery to the back-office system (system)' },
  'system:notification': { de: 'Benachrichtigung (System)', en: 'Notification (system)' },
};

export function eventLabelIn(type: string, language: Language): string {
  return EVENT_LABELS[type]?.[language] ?? type;
}

export function actorLabelIn(actor: string, language: Language): string {
  const known = ACTOR_LABELS[actor]?.[language];
  if (known) return known;
  if (actor.startsWith('system:')) return `System (${actor.slice('system:'.length)})`;
  return actor;
}

/** Views of one clerk this close to the one before are one line. */
export const FOLD_WINDOW_MS = 10 * 60 * 1000;

/**
 * The events as lines, oldest first: a `case.viewed` right after another of the same actor, at
 * most FOLD_WINDOW_MS after it, joins that line. Anything else between them keeps them apart.
 */
export function historyLines(events: readonly CaseEvent[], windowMs = FOLD_WINDOW_MS): HistoryLine[] {
  const lines: HistoryLine[] = [];
  for (const event of events) {
    const last = lines.at(-1);
    const folds =
      last !== undefined &&
      event.type === 'case.viewed' &&
      last.event.type === 'case.viewed' &&
      last.event.actor === event.actor &&
      Date.parse(event.at) - Date.parse(last.until) <= windowMs &&
      Date.parse(event.at) >= Date.parse(last.until);
    if (folds) lines[lines.length - 1] = { event: last.event, count: last.count + 1, until: event.at };
    else lines.push({ event, count: 1, until: event.at });
  }
  return lines;
}
