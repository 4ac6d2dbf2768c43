import { leafOrder, rootOf, type CheckpointBody, type CheckpointLeaf } from './checkpoint.ts';
import { bodyHash } from './checkpoint.ts';
import { GENESIS } from './chain.ts';

/** An event as the time index holds it: enough to make it a checkpoint's leaf. */
export interface IndexedEvent extends CheckpointLeaf {
  readonly at: string;
}

/**
 * The checkpoint body over the events of `[from, to)` after `previous` (undefined: the first
 * checkpoint), with its leaves in checkpoint order. Events outside the window are left out, so a
 * page of the index that reaches past `to` does no harm.
 */
export function checkpointOver(previous: CheckpointBody | undefined, from: string, to: string, events: readonly IndexedEvent[]): { body: CheckpointBody; leaves: CheckpointLeaf[] } {
  const leaves = events
    .filter((event) => event.at >= from && event.at < to)
    .sort(leafOrder)
    .map(({ caseId, seq, hash, expiresAt }) => ({ caseId, seq, hash, expiresAt }));
  return { body: { from, to, count: leaves.length, root: rootOf(leaves), previous: previous ? bodyHash(previous) : GENESIS }, leaves };
}
