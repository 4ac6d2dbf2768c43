import { describe, expect, it } from '@jest/globals';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { repoRoot } from '../../../infra/local/paths.ts';
import { ownerOf, sharesOf } from '../../../bench/profileShares.ts';

// bench/profileShares.ts: a CPU profile's self time by owner, Node's internals counted for their caller.
const file = (path: string) => pathToFileURL(join(repoRoot, path)).href;

describe('profile shares', () => {
  it('names the owner of a frame by package, local emulator or functions area; none for Node internals', () => {
    expect(ownerOf(file('node_modules/@smithy/core/dist-es/index.js'))).toMatch(/^AWS SDK/);
    expect(ownerOf(file('infra/local/kmsOperations.ts'))).toMatch(/^local KMS/);
    expect(ownerOf(file('infra/local/gateway.ts'))).toMatch(/^local API gateway/);
    expect(ownerOf(file('infra/local/streams.ts'))).toMatch(/^local event sources/);
    expect(ownerOf(file('functions/lib/crypto/envelope.ts'))).toBe('functions/lib/crypto');
    expect(ownerOf(file('functions/submit/submit.ts'))).toBe('functions/submit');
    expect(ownerOf(file('node_modules/@middy/core/index.js'))).toBe('package @middy/core');
    expect(ownerOf('node:internal/http')).toBeUndefined();
    expect(ownerOf('')).toBeUndefined();
  });

  it("gives a sample's time to the nearest owned frame on its stack, and V8's own to V8", () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 5, 6]),
        frame(2, 'send', file('node_modules/@aws-sdk/client-dynamodb/dist-es/index.js'), [3]),
        frame(3, 'write', 'node:internal/stream', [4]),
        frame(4, 'writev', ''),
        frame(5, '(idle)', ''),
        frame(6, 'seal', file('functions/lib/crypto/envelope.ts')),
      ],
      samples: [4, 3, 2, 5, 6, 1],
      timeDeltas: [1000, 1000, 1000, 5000, 2000, 500],
    };
    const { total, byOwner } = sharesOf(profile);
    expect(total).toBe(10.5);
    expect(Object.fromEntries(byOwner)).toEqual({
      'AWS SDK (clients, signing, (de)serialisation)': 3,
      'V8 (idle)': 5,
      'functions/lib/crypto': 2,
      'Node internals (no owner on the stack)': 0.5,
    });
  });
});
