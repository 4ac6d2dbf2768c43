import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { functionsOf } from '../../../functions/functions.ts';
import { clientsFor, measuredOf, SDK_CLIENTS } from '../../../bench/coldStart.ts';
import { PROJECT_ROOT } from '../../../infra/constructs/bundling.ts';

/**
 * The cold-start bench measures every function of the function table against a floor that imports
 * and constructs the SDK clients its needs imply (bench/coldStart.ts). A floor without a client the
 * function loads would count that client's cost as the function's own; one with a client the
 * function never loads would hide the function's own cost. So: for every function, the SDK client
 * packages its bundle carries are exactly those of its floor.
 */

/** The SDK client packages a handler's bundle carries (esbuild's own resolution, nothing written). */
async function clientPackagesOf(name: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [`functions/${name}/handler.ts`],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    minify: true,
    logLevel: 'silent',
  });
  // What ends up in the bundle: tree-shaking drops what is imported but unused (esbuild lists it with 0 bytes).
  const carried = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).flatMap(([input, { bytesInOutput }]) => (bytesInOutput > 0 ? [input] : [])));
  const packages = new Set(carried.flatMap((input) => /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input)?.[1] ?? []));
  return [...packages].sort();
}

describe('the cold-start floors', () => {
  it.each(functionsOf().map(({ name, needs }) => [name, needs] as const))('%s: its floor constructs exactly the SDK clients its bundle carries', async (name, needs) => {
    const floor = clientsFor(needs).map((client) => SDK_CLIENTS[client].module).sort();
    expect({ [name]: await clientPackagesOf(name) }).toEqual({ [name]: floor });
  }, 60_000);
});

describe('COLD_START_FUNCTIONS', () => {
  const built = functionsOf().map(({ name }) => ({ handler: name }));
  it('measures the functions it names, in the table order; every function without it', () => {
    expect(measuredOf(built, 'bundidAcs, bundidLogin')).toEqual([{ handler: 'bundidLogin' }, { handler: 'bundidAcs' }]);
    expect(measuredOf(built, undefined)).toEqual(built);
    expect(measuredOf(built, '')).toEqual(built);
  });

  it('stops on a name that is no function, instead of measuring nothing', () => {
    expect(() => measuredOf(built, 'bundidLogin,bundIdAcs')).toThrow('no such function: bundIdAcs');
  });
});
