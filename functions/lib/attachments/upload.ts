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

/** The object key of an attachment in either bucket: its id alone, never a name. */
export const objectKeyOf = (attachmentId: string): string => attachmentId;
