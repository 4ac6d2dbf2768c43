import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import { matchesMediaType, SIGNATURE_BYTES } from '#lib/attachments/magic.ts';
import type { AttachmentStore, RejectionReason } from '#lib/attachments/store.ts';
import { BINDING_TAG, BINDING_UNBOUND, objectKeyOf } from '#lib/attachments/upload.ts';

/**
 * The part of GuardDuty Malware Protection for S3's "Object Scan Result" event (EventBridge) that
 * the verdict needs. The local scanner stand-in emits the same shape.
 */
export const scanResultEvent = z.object({
  source: z.literal('aws.guardduty'),
  'detail-type': z.literal('GuardDuty Malware Protection Object Scan Result'),
  detail: z.object({
    scanStatus: z.string(),
    resourceType: z.literal('S3_OBJECT'),
    s3ObjectDetails: z.object({ bucketName: z.string(), objectKey: z.string() }),
    scanResultDetails: z.object({
      scanResultStatus: z.enum(['NO_THREATS_FOUND', 'THREATS_FOUND', 'UNSUPPORTED', 'ACCESS_DENIED', 'FAILED']),
    }),
  }),
});
export type ScanResultEvent = z.infer<typeof scanResultEvent>;

export interface AttachmentVerdictDeps {
  attachments: AttachmentStore;
  s3: S3Client;
  quarantineBucket: string;
  vaultBucket: string;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export type Verdict = { status: 'clean' } | { status: 'rejected'; reason: RejectionReason } | { status: 'ignored'; why: string };

/**
 * The verdict on one uploaded file: GuardDuty's scan result, then its leading bytes against the
 * declared type. A clean file is copied into the vault (which encrypts it with SSE-KMS by its
 * bucket default), tagged `binding=unbound`, before the ticket says `clean`, so that `clean`
 * always means "in the vault".
 * The upload leaves quarantine either way. A redelivered event finds the verdict recorded and
 * changes nothing but removing the upload, should it still be there. A scan that could not run (`FAILED`, `ACCESS_DENIED`, `UNSUPPORTED`) throws,
 * so that EventBridge's retries (and then the alarm on the function's errors) take over.
 */
export function createAttachmentVerdict(deps: AttachmentVerdictDeps) {
  const log = deps.log ?? (() => undefined);
  const removeUpload = (key: string) => deps.s3.send(new DeleteObjectCommand({ Bucket: deps.quarantineBucket, Key: key }));

  return async (input: unknown): Promise<Verdict> => {
    const event = scanResultEvent.parse(input);
    const { bucketName, objectKey } = event.detail.s3ObjectDetails;
    if (bucketName !== deps.quarantineBucket) return { status: 'ignored', why: 'another bucket' };
    if (!ATTACHMENT_ID.test(objectKey)) return { status: 'ignored', why: 'not an attachment' };
    const attachmentId = objectKey;
    const ticket = await deps.attachments.get(attachmentId);
    if (!ticket) {
      await removeUpload(objectKey);
      return { status: 'ignored', why: 'no ticket' };
    }
    if (ticket.status !== 'awaiting-upload' && ticket.status !== 'scanning') {
      // A redelivered result: removing the upload may have failed after the verdict was recorded,
      // and an upload left in quarantine counts as one without verdict (waitingUploads.ts).
      await removeUpload(objectKey);
      return { status: 'ignored', why: 'verdict recorded before' };
    }

    const reject = async (reason: RejectionReason): Promise<Verdict> => {
      await deps.attachments.transition(attachmentId, ['awaiting-upload', 'scanning'], 'rejected', reason);
      await removeUpload(objectKey);
      log('attachment rejected', { attachmentId, reason });
      return { status: 'rejected', reason };
    };

    const result = event.detail.scanResultDetails.scanResultStatus;
    if (result === 'THREATS_FOUND') return reject('malware');
    if (result !== 'NO_THREATS_FOUND') throw new Error(`scan of attachment ${attachmentId} did not complete: ${result}`);

    await deps.attachments.transition(attachmentId, ['awaiting-upload'], 'scanning');
    const head = await deps.s3.send(new GetObjectCommand({ Bucket: deps.quarantineBucket, Key: objectKey, Range: `bytes=0-${SIGNATURE_BYTES - 1}` }));
    const leading = head.Body ? await head.Body.transformToByteArray() : new Uint8Array();
    if (!matchesMediaType(leading, ticket.mediaType)) return reject('type-mismatch');

    // In the vault as `unbound` (one request: never there untagged), which the vault's lifecycle
    // removes after a day unless a submission binds the file first (functions/keepFiles).
    await deps.s3.send(
      new CopyObjectCommand({
        Bucket: deps.vaultBucket,
        Key: objectKeyOf(attachmentId),
        CopySource: `${deps.quarantineBucket}/${objectKey}`,
        TaggingDirective: 'REPLACE',
        Tagging: `${BINDING_TAG}=${BINDING_UNBOUND}`,
      }),
    );
    await deps.attachments.transition(attachmentId, ['scanning'], 'clean');
    await removeUpload(objectKey);
    log('attachment clean', { attachmentId });
    return { status: 'clean' };
  };
}
