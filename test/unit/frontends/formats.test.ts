import { afterEach, describe, expect, test } from '@jest/globals';
import { fileSize } from '../../../console/src/fileSize.ts';
import { formatDateTime } from '../../../console/shared/schemaText.ts';

/**
 * The front ends make each Intl formatter once (console/shared/formats.ts): making one costs
 * Chromium tens of milliseconds on a slow phone, and the status page made one per date it showed
 * (its long tasks in Lighthouse, issue 31). Counted here by wrapping the constructors.
 */
const originals = { DateTimeFormat: Intl.DateTimeFormat, NumberFormat: Intl.NumberFormat };
const counted = <C extends typeof Intl.DateTimeFormat | typeof Intl.NumberFormat>(original: C, onMake: () => void): C =>
  new Proxy(original, {
    construct(target, args, newTarget) {
      onMake();
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply(target, self, args) {
      onMake();
      return Reflect.apply(target as (...a: unknown[]) => unknown, self, args);
    },
  });

afterEach(() => {
  Intl.DateTimeFormat = originals.DateTimeFormat;
  Intl.NumberFormat = originals.NumberFormat;
});

describe('Intl formatters of the front ends', () => {
  test('points in time: at most one DateTimeFormat per time zone, however many are shown, in either language', () => {
    let made = 0;
    Intl.DateTimeFormat = counted(originals.DateTimeFormat, () => (made += 1));
    const shown = Array.from({ length: 40 }, (_, day) => formatDateTime(`2026-11-${String((day % 28) + 1).padStart(2, '0')}T23:35:10.123Z`, day % 2 ? 'en' : 'de', 'Europe/Berlin'));
    expect(shown[0]).toBe('02.11.2026, 00:35');
    expect(shown[1]).toBe('3 November 2026, 00:35');
    expect(made).toBeLessThanOrEqual(1);
    formatDateTime('2026-11-27T13:35:10.123Z', 'de', 'UTC');
    formatDateTime('2026-11-28T13:35:10.123Z', 'de', 'UTC');
    expect(made).toBeLessThanOrEqual(2);
  });

  test('file sizes: at most one NumberFormat per language and precision', () => {
    let made = 0;
    Intl.NumberFormat = counted(originals.NumberFormat, () => (made += 1));
    const sizes = Array.from({ length: 30 }, (_, i) => fileSize(1_234_567 + i * 1_000_000, i % 2 ? 'en' : 'de'));
    expect(sizes[0]).toBe('1,2 MB');
    expect(sizes[1]).toBe('2.2 MB');
    expect(made).toBeLessThanOrEqual(2);
  });
});
