import * as z from 'zod';

/** Checkpoints start and end on this grid (intervals are multiples of it): found by name, never by listing. */
export const CHECKPOINT_GRID_MINUTES = 5;
export const CHECKPOINT_GRID_MS = CHECKPOINT_GRID_MINUTES * 60_000;

/** The stacks' default checkpoint interval (API.md: every 5 minutes). */
export const DEFAULT_CHECKPOINT_INTERVAL_MINUTES = 5;

/**
 * The checkpoint interval a stage may set (infra/config.ts, `audit.checkpointIntervalMinutes`):
 * a multiple of the grid, so that every checkpoint, whatever interval was set when it was written,
 * starts on the grid and is found by name after the interval changed; at most an hour, the longest
 * that new events may wait unsealed (docs/operations.md, *Auditing the event trail*).
 */
export const checkpointIntervalMinutes = z
  .int(`whole minutes, a multiple of ${CHECKPOINT_GRID_MINUTES}`)
  .min(CHECKPOINT_GRID_MINUTES, `at least ${CHECKPOINT_GRID_MINUTES} minutes (the checkpoint grid)`)
  .max(60, 'at most 60 minutes (new events wait unsealed until the next checkpoint)')
  .refine((minutes) => minutes % CHECKPOINT_GRID_MINUTES === 0, `a multiple of ${CHECKPOINT_GRID_MINUTES} minutes (the checkpoint grid)`);

/**
 * What the checkpoint worker learns (the setting AUDIT_CHECKPOINTS of its need `auditCheckpoints`):
 * the events table it reads through the time index only, the Object Lock bucket, the audit key,
 * and the interval (minutes) its schedule runs at, which its checkpoints are aligned to.
 */
export const checkpointSettings = z.strictObject({
  eventsTable: z.string().min(1),
  bucket: z.string().min(1),
  keyId: z.string().min(1),
  intervalMinutes: checkpointIntervalMinutes,
});
export type CheckpointSettings = z.infer<typeof checkpointSettings>;

export const readCheckpointSettings = (json: string): CheckpointSettings => checkpointSettings.parse(JSON.parse(json));
