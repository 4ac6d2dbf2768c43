import { describe, expect, it } from '@jest/globals';
import { merkleRoot } from '#lib/audit/merkle.ts';

// The test vectors of RFC 6962's reference implementation (certificate-transparency, merkle_tree_test).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => Buffer.from(hex, 'hex'));
const ROOTS: Record<number, string> = {
  1: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  2: 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  3: 'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  8: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
};

describe('the RFC 6962 Merkle tree hash', () => {
  it('of no leaves is the SHA-256 of nothing', () => {
    expect(merkleRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each(Object.entries(ROOTS))('of the first %s reference leaves is the reference root', (count, root) => {
    expect(merkleRoot(LEAVES.slice(0, Number(count))).toString('hex')).toBe(root);
  });
});
