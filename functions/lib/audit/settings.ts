import * as z from 'zod';

/**
 * What the checkpoint worker learns (the setting AUDIT_CHECKPOINTS of its need `auditCheckpoints`):
 * the events table it reads through the time index only, the Object Lock bucket, the audit key,
 * and the interval (minutes) its schedule runs at, which its checkpoints are aligned to.
 */
export const checkpointSettings = z.strictObject({
  eventsTable: z.string().min(1),
  bucket: z.string().min(1),
  keyId: z.string().min(1),
  intervalMinutes: z.int().min(5).max(60).refine((minutes) => minutes % 5 === 0, 'a multiple of 5 minutes (the checkpoint grid)'),
});
export type CheckpointSettings = z.infer<typeof checkpointSettings>;

export const readCheckpointSettings = (json: string): CheckpointSettings => checkpointSettings.parse(JSON.parse(json));

/** The stacks' default checkpoint interval (API.md: every 5 minutes). */
export const CHECKPOINT_INTERVAL_MINUTES = 5;

/** Checkpoints start and end on this grid (intervals are multiples of it): found by name, never by listing. */
export const CHECKPOINT_GRID_MS = 5 * 60_000;
