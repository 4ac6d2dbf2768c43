import { afterEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { fileSize } from '../../../console/src/fileSize.ts';
import { berlinOffsetHours, formatNumber, timeParts } from '../../../console/shared/formats.ts';
import { formatDateTime } from '../../../console/shared/schemaText.ts';

/**
 * Berlin times and numbers without `Intl` on the render path (console/shared/formats.ts: making the
 * first formatter costs Chromium tens of milliseconds, a long task on the status page, issue 31),
 * each held to what `Intl` writes.
 */
const originals = { DateTimeFormat: Intl.DateTimeFormat, NumberFormat: Intl.NumberFormat };
afterEach(() => {
  Intl.DateTimeFormat = originals.DateTimeFormat;
  Intl.NumberFormat = originals.NumberFormat;
});

const berlin = new originals.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Berlin' });
const byIntl = (time: Date): string => {
  const parts = berlin.formatToParts(time);
  const part = (type: string): string => parts.find((p) => p.type === type)!.value;
  return `${part('day')}.${part('month')}.${part('year')}, ${part('hour')}:${part('minute')}`;
};
/** 1996 to 2099: the EU rule's years (and the data's). */
const instants = fc.integer({ min: Date.UTC(1996, 0, 1), max: Date.UTC(2099, 11, 31, 23, 59) }).map((ms) => new Date(ms));

describe('points in time in Berlin', () => {
  test('read as Intl reads them, at any instant from 1996 on', () => {
    fc.assert(
      fc.property(instants, (time) => expect(formatDateTime(time.toISOString(), 'de', 'Europe/Berlin')).toBe(byIntl(time))),
      { numRuns: 3000 },
    );
  });

  test('change offset exactly at 01:00 UTC on the last Sundays of March and October', () => {
    for (const year of [1996, 2026, 2027, 2030, 2099]) {
      for (const month of [2, 9]) {
        const last = new Date(Date.UTC(year, month + 1, 0, 1));
        const change = last.getTime() - last.getUTCDay() * 86_400_000;
        for (const time of [change - 60_000, change - 1, change, change + 60_000]) expect(formatDateTime(new Date(time).toISOString(), 'de', 'Europe/Berlin')).toBe(byIntl(new Date(time)));
      }
    }
    expect(berlinOffsetHours(Date.UTC(2026, 2, 29, 0, 59))).toBe(1);
    expect(berlinOffsetHours(Date.UTC(2026, 2, 29, 1, 0))).toBe(2);
    expect(berlinOffsetHours(Date.UTC(1995, 5, 1))).toBeUndefined();
  });

  test('before 1996, in UTC, in the reader zone and in any other zone as Intl and Date read them', () => {
    const time = new Date(Date.UTC(1990, 8, 29, 23, 30));
    expect(formatDateTime(time.toISOString(), 'de', 'Europe/Berlin')).toBe(byIntl(time));
    expect(formatDateTime('2026-11-27T13:35:10.123Z', 'en', 'UTC')).toBe('27 November 2026, 13:35');
    const local = new Date('2026-07-01T10:05:00Z');
    expect(timeParts(local)).toEqual({ year: local.getFullYear(), month: local.getMonth() + 1, day: local.getDate(), hour: local.getHours(), minute: local.getMinutes() });
    expect(timeParts(new Date('2026-07-01T10:05:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 7, day: 1, hour: 6, minute: 5 });
  });

  test('need no Intl formatter', () => {
    let made = 0;
    const counting = <C extends object>(original: C): C => new Proxy(original, { construct: (target, args, newTarget) => ((made += 1), Reflect.construct(target as never, args, newTarget) as object) });
    Intl.DateTimeFormat = counting(originals.DateTimeFormat);
    Intl.NumberFormat = counting(originals.NumberFormat);
    for (let day = 1; day <= 28; day += 1) formatDateTime(`2026-11-${String(day).padStart(2, '0')}T23:35:10.123Z`, day % 2 ? 'en' : 'de', 'Europe/Berlin');
    fileSize(1_234_567, 'de');
    formatNumber(4000, 'de');
    expect(made).toBe(0);
  });
});

describe('numbers', () => {
  test('counts and sizes read as Intl.NumberFormat writes them in German and English, whole and with one decimal', () => {
    const values = fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.double({ min: 0, max: 1e9, noNaN: true }));
    fc.assert(
      fc.property(values, fc.constantFrom('de', 'en') as fc.Arbitrary<'de' | 'en'>, fc.constantFrom(0, 1), (value, language, digits) => {
        const intl = new originals.NumberFormat(language === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: digits });
        expect(formatNumber(value, language, digits)).toBe(intl.format(value));
      }),
      { numRuns: 3000 },
    );
    expect(formatNumber(4000, 'de')).toBe('4.000');
    expect(fileSize(1_234_567, 'de')).toBe('1,2 MB');
    expect(fileSize(1_234_567, 'en')).toBe('1.2 MB');
  });
});
