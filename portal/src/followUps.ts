/**
 * After a reply, a worker moves the case from `needs_info` back to `in_review`: within seconds
 * normally, later when the system is busy. The status page reads the status again after each of
 * these waits (2, 4, 8 s, then every 15 s), about two minutes in all, and stops as soon as the
 * status has changed; a reload of the page reads it anyway.
 */
const DELAYS_MS = [2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000];

/** The wait before the `n`th follow-up read (1-based), or undefined once the page stops asking. */
export function followUpDelayMs(n: number): number | undefined {
  return n >= 1 ? DELAYS_MS[n - 1] : undefined;
}
