import { SIGNING_ALGORITHM, signedBytes, type CheckpointDocument } from '#lib/audit/checkpoint.ts';
import type { CheckpointStore } from '#lib/audit/checkpointStore.ts';
import type { IndexedEvent } from '#lib/audit/window.ts';
import { checkpointOver } from '#lib/audit/window.ts';

export interface CheckpointDeps {
  store: Pick<CheckpointStore, 'latest' | 'put'>;
  /** Every event of `[from, to)` (audit/timeIndex.ts). */
  eventsBetween: (from: string, to: string) => Promise<readonly IndexedEvent[]>;
  /** The audit key's DER signature (KMS Sign, ECDSA_SHA_256, RAW), base64. */
  sign: (message: Uint8Array) => Promise<string>;
  keyId: string;
  intervalMinutes: number;
  now?: () => Date;
}

/**
 * The time index is eventually consistent, and an event's `at` is taken just before its write:
 * a checkpoint ends at least this long before the present, so that what it seals has arrived.
 */
export const SETTLE_MS = 60_000;
/** The first checkpoint of a store reaches this far back (events older than that are chain-checked only). */
export const GENESIS_LOOKBACK_MS = 24 * 3_600_000;

export type CheckpointOutcome = { outcome: 'written' | 'exists'; from: string; to: string; count: number } | { outcome: 'up-to-date'; to: string };

/**
 * The checkpoint worker (every `intervalMinutes`): seals the events since the latest checkpoint up
 * to the last interval boundary that lies `SETTLE_MS` in the past, as one signed checkpoint. A
 * duplicate or late run computes the same start and finds the object written (If-None-Match), so
 * the checkpoints never fork; after an outage one checkpoint covers the whole gap.
 */
export function createCheckpoint(deps: CheckpointDeps) {
  const now = deps.now ?? (() => new Date());
  const interval = deps.intervalMinutes * 60_000;
  return async (): Promise<CheckpointOutcome> => {
    const at = now().getTime();
    const to = new Date(Math.floor((at - SETTLE_MS) / interval) * interval).toISOString();
    const latest = await deps.store.latest(new Date(at));
    const from = latest?.checkpoint.to ?? new Date(Date.parse(to) - GENESIS_LOOKBACK_MS).toISOString();
    if (from >= to) return { outcome: 'up-to-date', to: from };
    const { body, leaves } = checkpointOver(latest?.checkpoint, from, to, await deps.eventsBetween(from, to));
    const document: CheckpointDocument = { checkpoint: body, keyId: deps.keyId, algorithm: SIGNING_ALGORITHM, signature: await deps.sign(signedBytes(body)), leaves };
    return { outcome: await deps.store.put(document), from, to, count: body.count };
  };
}
