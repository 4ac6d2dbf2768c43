import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from 'zod';
import { merkleRoot } from './merkle.ts';

/**
 * A checkpoint (API.md, *Audit*): the checkpoint worker signs `{ from, to, count, root, previous }`
 * with the audit key (ECDSA_SHA_256 over the RFC 8785 canonical JSON), `root` being the RFC 6962
 * Merkle root over the events that happened in `[from, to)`, `previous` the hash of the previous
 * checkpoint's body (`""` for the first). The object in the Object Lock bucket carries the leaves
 * too, so that `npm run audit -- verify` can name each event deleted, altered or inserted, and tell
 * an event removed by retention (its `expiresAt` passed) from one deleted: a leaf is the canonical
 * JSON of `{ caseId, seq, hash, expiresAt }`, so the signed root covers the expiry as well.
 */

export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';
export const CHECKPOINT_PREFIX = 'checkpoints/';

const timestamp = z.iso.datetime({ precision: 3 });

export const checkpointBody = z.strictObject({
  from: timestamp,
  to: timestamp,
  count: z.int().min(0),
  root: z.string(),
  previous: z.string(),
});
export type CheckpointBody = z.infer<typeof checkpointBody>;

export const checkpointLeaf = z.strictObject({ caseId: z.string().min(1), seq: z.int().min(1), hash: z.string().min(1), expiresAt: z.int() });
export type CheckpointLeaf = z.infer<typeof checkpointLeaf>;

export const checkpointDocument = z.strictObject({
  checkpoint: checkpointBody,
  keyId: z.string(),
  algorithm: z.literal(SIGNING_ALGORITHM),
  /** base64 DER, as KMS Sign returns it. */
  signature: z.string(),
  leaves: z.array(checkpointLeaf),
});
export type CheckpointDocument = z.infer<typeof checkpointDocument>;

const canonicalBytes = (value: unknown): Buffer => {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('no canonical form');
  return Buffer.from(text, 'utf8');
};

export const leafData = (leaf: CheckpointLeaf): Buffer =>
  canonicalBytes({ caseId: leaf.caseId, seq: leaf.seq, hash: leaf.hash, expiresAt: leaf.expiresAt });

/** The root a checkpoint's leaves make, base64url. */
export const rootOf = (leaves: readonly CheckpointLeaf[]): string => merkleRoot(leaves.map(leafData)).toString('base64url');

/** What the audit key signs. */
export const signedBytes = (body: CheckpointBody): Buffer => canonicalBytes(body);

/** The `previous` of the checkpoint after this one. */
export const bodyHash = (body: CheckpointBody): string => createHash('sha256').update(signedBytes(body)).digest('base64url');

/** The object key of the checkpoint that starts at `from`: one checkpoint per start, so duplicate runs cannot fork. */
export const objectKeyOf = (from: string): string => `${CHECKPOINT_PREFIX}${from}.json`;

/** Leaves in the order a checkpoint holds them: by time, then case, then `seq`. */
export function leafOrder(a: CheckpointLeaf & { at: string }, b: CheckpointLeaf & { at: string }): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : a.seq - b.seq;
}

export function parseCheckpoint(text: string): CheckpointDocument {
  return checkpointDocument.parse(JSON.parse(text));
}
