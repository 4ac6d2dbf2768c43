import { UNBOUND_SECONDS } from './upload.ts';

/**
 * Files follow their case's retention (issue 25, point 8). A bound file is tagged with a retention
 * class, the smallest `retentionDays` among the administration's forms that covers what is left of
 * its case's life when it is bound (for a submission's files: its form's own `retentionDays`; for
 * a message's, what remains). The vault has one lifecycle rule per class (infra/constructs/attachments.ts):
 * a file of class N goes N + FILE_RETENTION_MARGIN_DAYS days after it reached the vault.
 */

/** The vault object tag that names a bound file's retention class (days). */
export const RETENTION_TAG = 'retentionDays';

/**
 * How far the time a binding is seen (the stream record's, rounded down to the second) may lie
 * after the submit's clock without the file moving up a class: a case whose remaining life exceeds
 * a class by less than this still takes it, and the margin below covers it.
 */
export const CLOCK_TOLERANCE_SECONDS = 60 * 60;

/**
 * A file reaches the vault at most UNBOUND_SECONDS before it is bound (its ticket's life), so a
 * file of class N, counted from its own creation, reaches its case's expiry after at most N days
 * plus the clock tolerance; this margin covers both: a file never goes before its case, and
 * outlives it by at most this margin (plus S3's rounding to the next midnight UTC and its
 * asynchronous expiry).
 */
export const FILE_RETENTION_MARGIN_DAYS = Math.ceil((UNBOUND_SECONDS + CLOCK_TOLERANCE_SECONDS) / 86_400);

/** The retention classes of a set of forms: their distinct `retentionDays`, ascending. */
export function retentionClassesOf(forms: readonly { readonly retentionDays: number }[]): number[] {
  return [...new Set(forms.map((form) => form.retentionDays))].sort((a, b) => a - b);
}

/**
 * The class of a file bound at `boundAt` (epoch seconds) to a case that expires at `expiresAt`:
 * the smallest class that covers the case's remaining life; undefined when none does (then the
 * file carries no class and the vault's ceiling rule, the longest retention, applies).
 */
export function retentionClassOf(classes: readonly number[], expiresAt: number, boundAt: number): number | undefined {
  const remaining = expiresAt - boundAt;
  return classes.find((days) => days * 86_400 + CLOCK_TOLERANCE_SECONDS >= remaining);
}
