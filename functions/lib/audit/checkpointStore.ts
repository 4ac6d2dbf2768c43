import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CHECKPOINT_PREFIX, objectKeyOf, parseCheckpoint, type CheckpointDocument } from './checkpoint.ts';

/**
 * The checkpoints in their Object Lock bucket, one object per checkpoint, named by its start
 * (`checkpoints/<from>.json`, so names sort by time). Written once with `If-None-Match: *`: a
 * second run for the same start (a duplicate schedule event) finds the object there and stops.
 */

/** How far back the worker looks for its latest checkpoint before listing the whole bucket. */
const RECENT_MS = 2 * 24 * 3_600_000;

export function createCheckpointStore(s3: S3Client, bucket: string) {
  async function keys(startAfter?: string): Promise<string[]> {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: CHECKPOINT_PREFIX, ...(startAfter ? { StartAfter: startAfter } : {}), ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) found.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort();
  }

  async function text(key: string): Promise<string> {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  }

  return {
    /** Every checkpoint object's key, oldest first. */
    keys,
    /** An object's text as stored (the auditor parses it, and reports what does not parse). */
    text,

    /** The latest checkpoint, if any: the last of the recent ones, or of all when none is recent. */
    async latest(now: Date): Promise<CheckpointDocument | undefined> {
      const recent = await keys(objectKeyOf(new Date(now.getTime() - RECENT_MS).toISOString()));
      const last = recent.at(-1) ?? (await keys()).at(-1);
      return last === undefined ? undefined : parseCheckpoint(await text(last));
    },

    /** Writes a checkpoint unless one with its start exists; says which. */
    async put(document: CheckpointDocument): Promise<'written' | 'exists'> {
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectKeyOf(document.checkpoint.from),
            Body: JSON.stringify(document),
            ContentType: 'application/json',
            IfNoneMatch: '*',
            ChecksumAlgorithm: 'SHA256',
          }),
        );
        return 'written';
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 412 || (error instanceof Error && error.name === 'PreconditionFailed')) return 'exists';
        throw error;
      }
    },
  };
}

export type CheckpointStore = ReturnType<typeof createCheckpointStore>;
