/**
 * The reader's language in a front end (console, portal): German by default, English on request;
 * views re-render when it changes. Each app keeps its own strings and reads them through
 * `translator`, so both speak with one mechanism.
 */
import { formatDateTime, type Language } from './schemaText.ts';

export type { Language };

let current: Language = 'de';
const listeners = new Set<() => void>();

export const language = (): Language => current;

export function setLanguage(next: Language): void {
  current = next;
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `t(key)` over a table of German and English strings, in the current language. */
export const translator =
  <K extends string>(strings: Record<K, Record<Language, string>>) =>
  (key: K): string =>
    strings[key][current];

/** A point in time for a reader in Germany, in Berlin time: `07.12.2026, 10:15` / `7 December 2026, 10:15`. */
export const formatTime = (iso: string): string => formatDateTime(iso, current, 'Europe/Berlin');
