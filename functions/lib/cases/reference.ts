import { randomInt } from 'node:crypto';

/**
 * Case references a citizen can read out on the phone: three groups of four symbols from an
 * alphabet without the look-alikes 0 O 1 I L (31 symbols, about 59 bits). Uniqueness is not left
 * to chance: the store claims each reference with a conditional write and draws again on a clash.
 */
export const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newReference(): string {
  const symbols = Array.from({ length: 12 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]);
  return [symbols.slice(0, 4), symbols.slice(4, 8), symbols.slice(8)].map((group) => group.join('')).join('-');
}

export const REFERENCE_PATTERN = /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/;
