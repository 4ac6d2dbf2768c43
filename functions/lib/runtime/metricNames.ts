/**
 * The names of the metrics the functions emit (metrics.ts) and the stack alarms on
 * (infra/constructs/alarms.ts): one list, so that the two cannot drift apart.
 */

/** An envelope failed authentication. */
export const INTEGRITY_ERROR_METRIC = 'IntegrityError';
/** A file bound to a case was not found in the vault when it was to be kept (functions/keepFiles). */
export const MISSING_FILE_METRIC = 'BoundFileMissing';
/** Uploads in quarantine that got no verdict within 15 minutes (functions/lib/attachments/waitingUploads.ts). */
export const OVERDUE_UPLOADS_METRIC = 'UploadsWithoutVerdict';
