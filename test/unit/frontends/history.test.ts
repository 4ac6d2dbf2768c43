import { describe, expect, test } from '@jest/globals';
import { EVENT_TYPES } from '#lib/cases/model.ts';
import { actorLabelIn, EVENT_LABELS, eventLabelIn, FOLD_WINDOW_MS, historyLines, type CaseEvent } from '../../../console/src/history.ts';
import { fileSize } from '../../../console/src/fileSize.ts';

/** API.md's list of event types, including those other parts of the system are adding now. */
const CONTRACT_TYPES = [
  'case.received', 'case.viewed', 'case.status_changed', 'case.note_added', 'case.attachment_viewed', 'case.exported',
  'case.delivered', 'case.delivery_failed', 'case.confirmation_sent', 'case.confirmation_failed', 'case.message_sent',
  'case.reply_received', 'case.citizen_notified', 'case.decision_downloaded',
];

const at = (minute: number, second = 0): string => new Date(Date.UTC(2026, 3, 17, 11, minute, second)).toISOString();
const viewed = (actor: string, minute: number, second = 0): CaseEvent => ({ at: at(minute, second), type: 'case.viewed', actor });

describe('the history in words', () => {
  test.each([...new Set([...EVENT_TYPES, ...CONTRACT_TYPES])])('%s has a German and an English label', (type) => {
    expect(EVENT_LABELS[type]).toEqual({ de: expect.any(String), en: expect.any(String) });
    expect(eventLabelIn(type, 'de')).not.toBe(eventLabelIn(type, 'en'));
    expect(eventLabelIn(type, 'de')).not.toMatch(/^case\./);
  });

  test('names the citizen and the system workers by what they are, a clerk by his id', () => {
    expect(actorLabelIn('citizen', 'de')).toBe('Bürger/in');
    expect(actorLabelIn('citizen', 'en')).toBe('Citizen');
    expect(actorLabelIn('system:delivery', 'de')).toBe('Zustellung an das Fachverfahren (System)');
    expect(actorLabelIn('system:confirmation', 'de')).toBe('Eingangsbestätigung (System)');
    expect(actorLabelIn('system:checkpoint', 'en')).toBe('System (checkpoint)');
    expect(actorLabelIn('alice', 'de')).toBe('alice');
  });

  test('reads receipt, delivery and confirmation as a clerk says them', () => {
    expect(eventLabelIn('case.received', 'de')).toBe('Eingegangen');
    expect(eventLabelIn('case.confirmation_sent', 'de')).toBe('Eingangsbestätigung versandt');
    expect(eventLabelIn('case.delivered', 'de')).toMatch(/Fachverfahren/);
  });
});

describe('repeated views', () => {
  test('of one clerk within minutes are one line with their count, from the first to the last', () => {
    const lines = historyLines([viewed('alice', 0), viewed('alice', 3), viewed('alice', 9)]);
    expect(lines).toEqual([{ event: viewed('alice', 0), count: 3, until: at(9) }]);
  });

  test('every view is still counted: the counts add up to the events', () => {
    const events = [viewed('alice', 0), viewed('bob', 1), viewed('bob', 2), viewed('alice', 3), viewed('alice', 4)];
    const lines = historyLines(events);
    expect(lines.map((line) => [line.event.actor, line.count])).toEqual([['alice', 1], ['bob', 2], ['alice', 2]]);
    expect(lines.reduce((sum, line) => sum + line.count, 0)).toBe(events.length);
  });

  test('stay apart when longer apart than the window, or when something else happened between them', () => {
    const late = new Date(Date.parse(at(0)) + FOLD_WINDOW_MS + 1000).toISOString();
    expect(historyLines([viewed('alice', 0), { ...viewed('alice', 0), at: late }])).toHaveLength(2);
    const changed: CaseEvent = { at: at(1), type: 'case.status_changed', actor: 'alice', from: 'received', to: 'in_review' };
    expect(historyLines([viewed('alice', 0), changed, viewed('alice', 2)]).map((line) => line.count)).toEqual([1, 1, 1]);
  });

  test('of another type are never folded', () => {
    const exported: CaseEvent = { at: at(0), type: 'case.exported', actor: 'alice' };
    expect(historyLines([exported, { ...exported, at: at(1) }])).toHaveLength(2);
  });
});

describe('file sizes', () => {
  test('read as a clerk reads them, in the language of the console', () => {
    expect(fileSize(512, 'de')).toBe('512 B');
    expect(fileSize(48_213, 'de')).toBe('48 KB');
    expect(fileSize(1_234_567, 'de')).toBe('1,2 MB');
    expect(fileSize(1_234_567, 'en')).toBe('1.2 MB');
  });
});
