import { formatNumber } from '../shared/formats.ts';
import type { Language } from '../shared/schemaText.ts';

/** `1,2 MB` / `1.2 MB`, `48 KB`, `512 B`: a file's size as a clerk reads it (decimal units). Pure, no DOM. */
export function fileSize(bytes: number, language: Language): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${formatNumber(Math.round(bytes / 1000), language)} KB`;
  return `${formatNumber(bytes / 1_000_000, language, 1)} MB`;
}
