import type { MediaType } from './fields.ts';

/** The file name extensions of each media type a file may have; the first is the one to add. */
export const EXTENSIONS: Readonly<Record<MediaType, readonly string[]>> = {
  'application/pdf': ['.pdf'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
};

/**
 * The name to save a file under: the citizen's name if its extension matches the file's verified
 * media type, else that name with the type's extension added ("rechnung.exe" as image/png is saved
 * as "rechnung.exe.png"), so that the clerk's system opens it as what it was checked to be. Trailing
 * dots and spaces, which Windows drops, are dropped first. An unknown media type keeps the name.
 */
export function downloadName(fileName: string, mediaType: string): string {
  const extensions = (EXTENSIONS as Readonly<Record<string, readonly string[]>>)[mediaType];
  if (!extensions) return fileName;
  const name = fileName.replace(/[. ]+$/, '');
  const lower = name.toLowerCase();
  return extensions.some((extension) => lower.endsWith(extension) && lower.length > extension.length) ? name : `${name}${extensions[0]}`;
}
