import type { MediaType } from './fields.ts';

/**
 * Leading bytes ("magic numbers") of the media types files may have. A file whose first bytes
 * contradict its declared type is rejected as `type-mismatch`: a portal's or a citizen's label is
 * no reason to hand a clerk's viewer something else.
 */
const SIGNATURES: Record<MediaType, readonly number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};

/** How many leading bytes the check needs at most. */
export const SIGNATURE_BYTES = Math.max(...Object.values(SIGNATURES).map((signature) => signature.length));

export function matchesMediaType(leading: Uint8Array, mediaType: MediaType): boolean {
  const signature = SIGNATURES[mediaType];
  return leading.length >= signature.length && signature.every((byte, index) => leading[index] === byte);
}
