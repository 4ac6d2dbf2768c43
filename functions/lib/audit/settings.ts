import { z } from 'zod';

/**
 * What the checkpoint worker learns (the setting AUDIT_CHECKPOINTS of its need `auditCheckpoints`):
 * the events table it reads through the time index only, the Object Lock bucket, the audit key,
 * and the interval (minutes) its schedule runs at, which its checkpoints are aligned to.
 */
export const checkpointSettings = z.strictObject({
  eventsTable: z.string().min(1),
  bucket: z.string().min(1),
  keyId: z.string().min(1),
  intervalMinutes: z.int().min(1).max(60),
});
export type CheckpointSettings = z.infer<typeof checkpointSettings>;

export const readCheckpointSettings = (json: string): CheckpointSettings => checkpointSettings.parse(JSON.parse(json));

/** The stacks' default checkpoint interval (API.md: every 5 minutes). */
export const CHECKPOINT_INTERVAL_MINUTES = 5;
