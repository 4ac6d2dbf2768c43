import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ATTACHMENT_ID } from './fields.ts';

/**
 * Uploads that wait for their verdict (issue 25, point 5). The verdict worker removes every upload
 * it decided on (clean, rejected, or without a ticket) from quarantine, so an upload still there
 * after `VERDICT_OVERDUE_MS` got no verdict: GuardDuty did not scan it, its result event did not
 * arrive, or the worker failed on it. Such a file stays `awaiting-upload` for the citizen until
 * its ticket is gone; the stack alarms on any (infra/constructs/alarms.ts).
 */

/** An upload waits at most this long for its verdict before it counts as stuck (GuardDuty scans within minutes). */
export const VERDICT_OVERDUE_MS = 15 * 60_000;

/**
 * One listing of the quarantine's first page. Object keys are attachment ids (ULIDs, which sort by
 * the ticket's time), so the page holds the oldest uploads: one request whatever the backlog, and
 * a full page of overdue uploads reports at least that many (enough for an alarm at one).
 */
export const WATCH_PAGE = 1000;

export interface WaitingUploadsDeps {
  s3: Pick<S3Client, 'send'>;
  quarantineBucket: string;
  now?: () => Date;
}

export interface WaitingUploads {
  /** Uploads in quarantine longer than VERDICT_OVERDUE_MS (at most WATCH_PAGE). */
  overdue: number;
  /** All uploads on the page, overdue or not. */
  waiting: number;
}

export function createWaitingUploads(deps: WaitingUploadsDeps) {
  const now = deps.now ?? (() => new Date());
  return async (): Promise<WaitingUploads> => {
    const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: deps.quarantineBucket, MaxKeys: WATCH_PAGE }));
    const threshold = now().getTime() - VERDICT_OVERDUE_MS;
    // Only attachments: GuardDuty's own validation object lives in the bucket as well.
    const uploads = (page.Contents ?? []).filter((object) => object.Key !== undefined && ATTACHMENT_ID.test(object.Key));
    const overdue = uploads.filter((object) => object.LastModified !== undefined && object.LastModified.getTime() < threshold);
    return { overdue: overdue.length, waiting: uploads.length };
  };
}
