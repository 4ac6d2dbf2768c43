import type { Language } from '../shared/schemaText.ts';

/** `1,2 MB` / `1.2 MB`, `48 KB`, `512 B`: a file's size as a clerk reads it (decimal units). Pure, no DOM. */
export function fileSize(bytes: number, language: Language): string {
  const locale = language === 'de' ? 'de-DE' : 'en-GB';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000).toLocaleString(locale)} KB`;
  return `${(bytes / 1_000_000).toLocaleString(locale, { maximumFractionDigits: 1 })} MB`;
}
