import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { objectKeyOf, parseCheckpoint, type CheckpointDocument } from './checkpoint.ts';
import { CHECKPOINT_GRID_MS } from './settings.ts';

/** Tries of a checkpoint write that S3 answers 409 (a racing write of the same start in flight). */
const PUT_ATTEMPTS = 3;

/**
 * The checkpoints in their Object Lock bucket, one object per checkpoint, named by its start
 * (`checkpoints/<from>.json`). Every start lies on the 5-minute grid (every interval a stage may set
 * is a multiple of it, settings.ts), so a checkpoint is found after the interval changed, by
 * reading the names of the grid's slots backwards from the present, never by listing the bucket
 * (the local S3 stand-in cannot sign bucket-level calls). Written once with `If-None-Match: *`: a second run for the
 * same start (a duplicate schedule event) finds the object there and stops.
 */

/** How far back the search for a checkpoint goes from the last one found (or from the present) before it gives up. */
export const SEARCH_MS = 2 * 24 * 3_600_000;

export interface StoredCheckpoint {
  readonly key: string;
  readonly text: string;
}

const onGrid = (time: number): number => Math.floor(time / CHECKPOINT_GRID_MS) * CHECKPOINT_GRID_MS;

export function createCheckpointStore(s3: S3Client, bucket: string) {
  /** The object of the checkpoint that starts at `from`, if there is one. */
  async function at(from: string): Promise<StoredCheckpoint | undefined> {
    const key = objectKeyOf(from);
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { key, text: (await object.Body?.transformToString('utf8')) ?? '' };
    } catch (error) {
      if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
      throw error;
    }
  }

  /** The newest checkpoint starting before `before` and no more than SEARCH_MS earlier. */
  async function newestBefore(before: number): Promise<StoredCheckpoint | undefined> {
    for (let slot = onGrid(before - 1); slot > before - SEARCH_MS; slot -= CHECKPOINT_GRID_MS) {
      const found = await at(new Date(slot).toISOString());
      if (found) return found;
    }
    return undefined;
  }

  return {
    at,

    /** The latest checkpoint (starting before `now`), if one started in the last two days. */
    async latest(now: Date): Promise<CheckpointDocument | undefined> {
      const found = await newestBefore(now.getTime());
      return found && parseCheckpoint(found.text);
    },

    /**
     * Every checkpoint, newest first: from the present back, slot by slot, until one starts the
     * chain (`previous` empty), one starts before `until`, or two days pass without one.
     */
    async all(now: Date, until?: string): Promise<StoredCheckpoint[]> {
      const found: StoredCheckpoint[] = [];
      let before = now.getTime() + CHECKPOINT_GRID_MS;
      for (;;) {
        const next = await newestBefore(before);
        if (!next) return found;
        found.push(next);
        const from = next.key.slice('checkpoints/'.length, -'.json'.length);
        let first: boolean;
        try {
          first = parseCheckpoint(next.text).checkpoint.previous === '';
        } catch {
          first = false;
        }
        if (first || (until !== undefined && from <= until)) return found;
        before = Date.parse(from);
      }
    },

    /**
     * Writes a checkpoint unless one with its start exists; says which. Racing writes of one start
     * (a run delivered twice): S3 lets one win and answers the others 412, or 409
     * `ConditionalRequestConflict` while the winner is still in flight; a 409 is asked again, and
     * then answered 412 or written.
     */
    async put(document: CheckpointDocument): Promise<'written' | 'exists'> {
      for (let attempt = 1; ; attempt++) {
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
          const conflict = status === 409 || (error instanceof Error && error.name === 'ConditionalRequestConflict');
          if (!conflict || attempt >= PUT_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
    },
  };
}

export type CheckpointStore = ReturnType<typeof createCheckpointStore>;
