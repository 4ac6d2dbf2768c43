import { createHash } from 'node:crypto';

/**
 * The Merkle tree hash of RFC 6962 (section 2.1): leaves hashed with a 0x00 prefix, interior nodes
 * with 0x01, the tree split at the largest power of two below its size; the empty tree is the
 * hash of nothing. A checkpoint signs this root over its leaves (audit/checkpoint.ts).
 */

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

export function leafHash(data: Uint8Array): Buffer {
  return sha256(LEAF, data);
}

function treeHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return sha256(NODE, treeHash(leaves.slice(0, split)), treeHash(leaves.slice(split)));
}

/** The Merkle tree hash over the leaves' data, in order. */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  return leaves.length === 0 ? sha256() : treeHash(leaves.map(leafHash));
}
