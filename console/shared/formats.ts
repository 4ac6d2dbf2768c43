/**
 * The front ends' `Intl` formatters, each made once and kept. Making an `Intl.DateTimeFormat` or an
 * `Intl.NumberFormat` is the costly part of formatting (the locale's patterns, a time zone's rules),
 * not using one: Chromium spent 20–45 ms of CPU per `formatTime` on Lighthouse's mobile profile
 * (4× CPU) while the portal's status page made a new one for every point in time it showed, which
 * made its long tasks (bench/README.md, issue 31). Pure, no DOM.
 */
const made = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `date ${locale} ${JSON.stringify(options)}`;
  let format = made.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) made.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `number ${locale} ${JSON.stringify(options)}`;
  let format = made.get(key) as Intl.NumberFormat | undefined;
  if (!format) made.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}
