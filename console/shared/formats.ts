/**
 * Points in time and numbers as the front ends show them, without making an `Intl` formatter where
 * plain arithmetic does. The first `Intl.DateTimeFormat` with a time zone costs Chromium 17–22 ms of
 * CPU in a fresh page (its pattern generator and the zone's rules; measured at load average 25),
 * the first `de-DE` `Intl.NumberFormat` up to 70 ms, and Lighthouse's mobile profile counts that ×4:
 * made while the portal's status page rendered the status, it made that render a long task
 * (bench/README.md, issue 31). Berlin's offset follows the EU rule; any other zone still goes
 * through `Intl`, each formatter made once. Pure, no DOM.
 */
export interface TimeParts {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const HOUR = 3_600_000;

/** 01:00 UTC on the last Sunday of a month (0-based): when the EU's summer time starts (March) or ends (October). */
function lastSundayOneUtc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0, 1));
  return last.getTime() - last.getUTCDay() * 24 * HOUR;
}

/**
 * Europe/Berlin's offset from UTC at an instant, in hours, by the EU rule (in force since 1996):
 * CEST (+2) from the last Sunday of March to the last Sunday of October, 01:00 UTC each; CET (+1)
 * otherwise. Undefined before 1996 (other rules then: such instants go through `Intl`).
 */
export function berlinOffsetHours(time: number): 1 | 2 | undefined {
  const year = new Date(time).getUTCFullYear();
  if (year < 1996) return undefined;
  return time >= lastSundayOneUtc(year, 2) && time < lastSundayOneUtc(year, 9) ? 2 : 1;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function partsThroughIntl(time: Date, timeZone: string): TimeParts {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    zoneFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(time);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute') };
}

const utcParts = (time: Date): TimeParts => ({ year: time.getUTCFullYear(), month: time.getUTCMonth() + 1, day: time.getUTCDate(), hour: time.getUTCHours(), minute: time.getUTCMinutes() });

/** The wall clock of an instant in a time zone: the reader's own without one, `UTC`, Europe/Berlin, or any other through `Intl`. */
export function timeParts(time: Date, timeZone?: string): TimeParts {
  if (timeZone === undefined) return { year: time.getFullYear(), month: time.getMonth() + 1, day: time.getDate(), hour: time.getHours(), minute: time.getMinutes() };
  if (timeZone === 'UTC') return utcParts(time);
  const offset = timeZone === 'Europe/Berlin' ? berlinOffsetHours(time.getTime()) : undefined;
  return offset === undefined ? partsThroughIntl(time, timeZone) : utcParts(new Date(time.getTime() + offset * HOUR));
}

/**
 * A count or a size (not negative) as German (`1.234,5`) or English (`1,234.5`) readers write it:
 * grouped by thousands, at most `maximumFractionDigits` decimals (rounded half up, trailing zeros
 * left off), as `Intl.NumberFormat` writes it with that option.
 */
export function formatNumber(value: number, language: 'de' | 'en', maximumFractionDigits = 0): string {
  const [whole = '0', fraction = ''] = value.toFixed(maximumFractionDigits).split('.');
  const [group, decimal] = language === 'de' ? ['.', ','] : [',', '.'];
  const digits = fraction.replace(/0+$/, '');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, group)}${digits ? `${decimal}${digits}` : ''}`;
}
