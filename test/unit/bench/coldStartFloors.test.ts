import { beforeAll, describe, expect, it } from '@jest/globals';
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

const FUNCTIONS = functionsOf();

/**
 * The SDK client packages each handler's bundle carries (esbuild's own resolution, nothing written).
 * One build with every handler as an entry point: without code splitting, esbuild bundles and
 * tree-shakes each entry point into an output of its own, exactly as a build of that entry alone
 * would, but parses the modules they share (the SDK, middy, zod) once instead of once per function.
 */
async function clientPackagesByFunction(): Promise<Map<string, string[]>> {
  const entries = new Map(FUNCTIONS.map(({ name }) => [`functions/${name}/handler.ts`, name]));
  const { metafile } = await build({
    entryPoints: [...entries.keys()],
    absWorkingDir: PROJECT_ROOT,
    outdir: 'bundles',
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    minify: true,
    logLevel: 'silent',
  });
  const carried = new Map<string, string[]>();
  for (const output of Object.values(metafile.outputs)) {
    const name = output.entryPoint === undefined ? undefined : entries.get(output.entryPoint);
    if (name === undefined) continue;
    // What ends up in the bundle: tree-shaking drops what is imported but unused (esbuild lists it with 0 bytes).
    const inputs = Object.entries(output.inputs).flatMap(([input, { bytesInOutput }]) => (bytesInOutput > 0 ? [input] : []));
    const packages = new Set(inputs.flatMap((input) => /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input)?.[1] ?? []));
    carried.set(name, [...packages].sort());
  }
  return carried;
}

let carried: Map<string, string[]>;
beforeAll(async () => {
  carried = await clientPackagesByFunction();
}, 120_000);

describe('the cold-start floors', () => {
  it('the build has one bundle per function of the table', () => {
    expect([...carried.keys()].sort()).toEqual(FUNCTIONS.map(({ name }) => name).sort());
  });

  it.each(FUNCTIONS.map(({ name, needs }) => [name, needs] as const))('%s: its floor constructs exactly the SDK clients its bundle carries', (name, needs) => {
    const floor = clientsFor(needs).map((client) => SDK_CLIENTS[client].module).sort();
    expect({ [name]: carried.get(name) }).toEqual({ [name]: floor });
  });
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
