import { numberFormat } from '../shared/formats.ts';
import type { Language } from '../shared/schemaText.ts';

/** `1,2 MB` / `1.2 MB`, `48 KB`, `512 B`: a file's size as a clerk reads it (decimal units). Pure, no DOM. */
export function fileSize(bytes: number, language: Language): string {
  const locale = language === 'de' ? 'de-DE' : 'en-GB';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${numberFormat(locale).format(Math.round(bytes / 1000))} KB`;
  return `${numberFormat(locale, { maximumFractionDigits: 1 }).format(bytes / 1_000_000)} MB`;
}
