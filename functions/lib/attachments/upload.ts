/**
 * The upload contract shared by the ticket route, the CDK bucket CORS rule and the local store:
 * which headers a presigned PUT fixes, and for how long it is valid.
 */

/** Headers the client must send exactly as the ticket says (all signed). */
export const UPLOAD_HEADERS = ['content-type', 'content-length', 'x-amz-checksum-sha256', 'x-amz-sdk-checksum-algorithm', 'if-none-match'] as const;
/** A ticket's PUT is valid this long (API.md: at most 15 minutes). */
export const UPLOAD_SECONDS = 15 * 60;
/** A clerk's download URL is valid this long (API.md: at most 60 seconds). */
export const DOWNLOAD_SECONDS = 60;
/** An unbound ticket (and its file) is gone after this long (API.md: 24 hours). */
export const UNBOUND_SECONDS = 24 * 60 * 60;
/**
 * A file can be bound to a case until this long before its ticket expires. The vault's lifecycle
 * removes files still tagged unbound one day after they arrived (S3 counts from the object's
 * creation, after the ticket's, rounded up to midnight UTC), so a binding leaves the worker that
 * re-tags the file (functions/keepFiles) at least this margin, retries included.
 */
export const BINDING_MARGIN_SECONDS = 60 * 60;

/** DynamoDB keeps a stream record 24 hours; a stream worker that stalls longer loses it to StreamFailures. */
export const STREAM_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * Days after which the vault's lifecycle removes a file still tagged unbound. Fail-safe against a
 * stalled `keepFiles` (issue 25, point 7): a file bound at the last moment of its ticket (24 hours)
 * stays while the worker retries until the stream drops the record (24 hours more), and a further
 * day for the operator to re-tag it from StreamFailures (docs/operations.md, "Alarm: dead letters").
 * Through the API an unbound file is gone after 24 hours all the same: its ticket has expired.
 */
export const UNBOUND_FILE_DAYS = Math.ceil((UNBOUND_SECONDS + STREAM_RETENTION_SECONDS) / 86_400) + 1;

/**
 * The vault object tag that tells the lifecycle which files to remove: the verdict worker copies a
 * clean file in as `unbound`; `keepFiles` re-tags it `bound` once a submission bound it (after
 * which it lives until the vault's retention rule, beyond every case's expiry).
 */
export const BINDING_TAG = 'binding';
export const BINDING_UNBOUND = 'unbound';
export const BINDING_BOUND = 'bound';

/** The object key of an attachment in either bucket: its id alone, never a name. */
export const objectKeyOf = (attachmentId: string): string => attachmentId;
