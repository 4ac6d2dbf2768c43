import type { ChainedEvent } from './chain.ts';
import { eventHash, GENESIS } from './chain.ts';
import { eventIdOf } from './chainKeys.ts';
import { bodyHash, objectKeyOf, rootOf, type CheckpointDocument, type CheckpointLeaf } from './checkpoint.ts';

/**
 * What `npm run audit -- verify` concludes from what it read: each case's chain as stored, and the
 * checkpoints with the outcome of their signature check. Pure, so that every way of tampering has
 * a unit test; infra/scripts/audit.ts does the reading.
 */

export interface StoredEvent extends ChainedEvent {
  /** The sort key the event is stored under: its `seq`, zero-padded, unless someone moved it. */
  readonly eventId: string;
}

export interface LoadedCheckpoint {
  /** The object key in the checkpoint bucket. */
  readonly key: string;
  /** Undefined when the object is not a checkpoint document. */
  readonly document?: CheckpointDocument;
  /** Whether the signature verifies with the audit key's public key. */
  readonly signatureValid: boolean;
}

export type FindingKind =
  | 'event-deleted'
  | 'event-altered'
  | 'event-inserted'
  | 'event-reordered'
  | 'checkpoint-missing'
  | 'checkpoint-forged'
  | 'checkpoint-replayed';

export interface Finding {
  readonly kind: FindingKind;
  readonly caseId?: string;
  readonly seq?: number;
  readonly checkpoint?: string;
  readonly message: string;
}

export interface Scope {
  readonly caseId?: string;
  /** RFC 3339 bounds on the events' `at`, `[from, to)`. */
  readonly from?: string;
  readonly to?: string;
}

export interface Verdict {
  readonly findings: Finding[];
  /** Checkpointed events no longer stored because their case expired (retention, not tampering). */
  readonly retained: number;
  /** Stored events whose chain link and checkpoint (when they have one) hold. */
  readonly verified: number;
  /** Stored events in no checkpoint (after the last, or before the first): only their chain is checked. */
  readonly unsealed: number;
  readonly checkpoints: number;
}

interface TrustedLeaf extends CheckpointLeaf {
  readonly checkpoint: string;
}

export function verifyAudit(input: { checkpoints: readonly LoadedCheckpoint[]; chains: ReadonlyMap<string, readonly StoredEvent[]>; now: Date; scope?: Scope }): Verdict {
  const scope = input.scope ?? {};
  const findings: Finding[] = [];
  const inTime = (at: string) => (scope.from === undefined || at >= scope.from) && (scope.to === undefined || at < scope.to);
  const inScope = (caseId: string) => scope.caseId === undefined || scope.caseId === caseId;

  // 1. The checkpoints: signed, each following the one before, leaves matching the signed root.
  const trusted: CheckpointDocument[] = [];
  const trustedKeys: string[] = [];
  const seen = new Map<string, string>();
  let previous: CheckpointDocument | undefined;
  const sorted = [...input.checkpoints].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const loaded of sorted) {
    const { key, document } = loaded;
    const forged = (message: string) => findings.push({ kind: 'checkpoint-forged', checkpoint: key, message: `checkpoint ${key}: ${message}` });
    if (!document) {
      forged('is not a checkpoint document');
      continue;
    }
    if (!loaded.signatureValid) {
      forged('signature does not verify with the audit key');
      continue;
    }
    const body = document.checkpoint;
    const hash = bodyHash(body);
    const earlier = seen.get(hash);
    if (earlier !== undefined || key !== objectKeyOf(body.from)) {
      findings.push({
        kind: 'checkpoint-replayed',
        checkpoint: key,
        message: `checkpoint ${key}: replays ${earlier ?? objectKeyOf(body.from)} (a validly signed checkpoint stored again under another name)`,
      });
      continue;
    }
    if (body.count !== document.leaves.length || body.root !== rootOf(document.leaves)) {
      forged('its leaves do not make the signed root and count');
      continue;
    }
    if (previous === undefined && body.previous !== GENESIS) {
      findings.push({ kind: 'checkpoint-missing', checkpoint: key, message: `checkpoint(s) missing before ${key} (it follows a checkpoint that is not stored)` });
    } else if (previous !== undefined && (body.previous !== bodyHash(previous.checkpoint) || body.from !== previous.checkpoint.to)) {
      findings.push({
        kind: 'checkpoint-missing',
        checkpoint: key,
        message: `checkpoint(s) missing between ${previous.checkpoint.to} and ${body.from} (${key} does not follow ${objectKeyOf(previous.checkpoint.from)})`,
      });
    }
    seen.set(hash, key);
    previous = document;
    trusted.push(document);
    trustedKeys.push(key);
  }

  // 2. What the trusted checkpoints say each case's events were.
  const leaves = new Map<string, Map<number, TrustedLeaf>>();
  const windows: { from: string; to: string }[] = [];
  trusted.forEach((document, index) => {
    windows.push({ from: document.checkpoint.from, to: document.checkpoint.to });
    const overlaps = (scope.from === undefined || document.checkpoint.to > scope.from) && (scope.to === undefined || document.checkpoint.from < scope.to);
    if (!overlaps) return;
    for (const leaf of document.leaves) {
      if (!inScope(leaf.caseId)) continue;
      const ofCase = leaves.get(leaf.caseId) ?? new Map<number, TrustedLeaf>();
      ofCase.set(leaf.seq, { ...leaf, checkpoint: trustedKeys[index]! });
      leaves.set(leaf.caseId, ofCase);
    }
  });
  const checkpointed = (at: string) => windows.some((window) => at >= window.from && at < window.to);
  const expired = (leaf: CheckpointLeaf) => leaf.expiresAt * 1000 <= input.now.getTime();

  // 3. Each case's chain as stored, against its own links and against the checkpoints.
  let retained = 0;
  let verified = 0;
  let unsealed = 0;
  const accounted = new Set<string>();
  const event = (caseId: string, seq: number) => `${caseId}#${seq}`;
  for (const [caseId, events] of input.chains) {
    if (!inScope(caseId)) continue;
    const known = leaves.get(caseId) ?? new Map<number, TrustedLeaf>();
    let before: StoredEvent | undefined;
    for (const stored of events) {
      const expected = (before?.seq ?? 0) + 1;
      const report = (kind: FindingKind, message: string) => findings.push({ kind, caseId, seq: stored.seq, message: `case ${caseId}, event ${stored.seq}: ${message}` });
      accounted.add(event(caseId, stored.seq));
      if (stored.eventId !== eventIdOf(stored.seq) || stored.seq < expected) {
        report('event-reordered', `stored at position ${Number(stored.eventId)}, out of its order in the chain`);
        before = stored;
        continue;
      }
      for (let seq = expected; seq < stored.seq; seq++) {
        accounted.add(event(caseId, seq));
        const leaf = known.get(seq);
        if (leaf && expired(leaf)) retained += 1;
        else findings.push({ kind: 'event-deleted', caseId, seq, message: `case ${caseId}, event ${seq}: deleted (the chain skips from ${seq - 1} to ${stored.seq})` });
      }
      const prev = stored.seq === 1 ? GENESIS : before?.seq === stored.seq - 1 ? before.hash : known.get(stored.seq - 1)?.hash;
      const leaf = known.get(stored.seq);
      if (prev !== undefined && eventHash(caseId, stored, stored.seq, prev) !== stored.hash) {
        report('event-altered', 'altered (its fields do not give its hash, or its link to the previous event is broken)');
      } else if (leaf && leaf.hash !== stored.hash) {
        report('event-altered', `altered (its hash is not the one checkpoint ${leaf.checkpoint} signed)`);
      } else if (!leaf && checkpointed(stored.at) && inTime(stored.at)) {
        report('event-inserted', 'inserted (its time lies in a signed checkpoint that does not hold it)');
      } else if (!leaf) {
        unsealed += 1;
      } else if (inTime(stored.at)) {
        verified += 1;
      }
      before = stored;
    }
  }

  // 4. Checkpointed events that are no longer stored at all (the chain's tail, or a whole case).
  for (const [caseId, ofCase] of leaves) {
    for (const [seq, leaf] of ofCase) {
      if (accounted.has(event(caseId, seq))) continue;
      if (expired(leaf)) retained += 1;
      else findings.push({ kind: 'event-deleted', caseId, seq, message: `case ${caseId}, event ${seq}: deleted (checkpoint ${leaf.checkpoint} holds it, the store does not)` });
    }
  }
  return { findings, retained, verified, unsealed, checkpoints: trusted.length };
}
