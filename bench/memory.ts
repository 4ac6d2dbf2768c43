import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functions, functionsOf } from '../functions/functions.ts';
import { memorySizeOf } from '../infra/constructs/functions.ts';
import { PROJECT_ROOT } from '../infra/constructs/bundling.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { baseFixtures, fixturesFor, withStackFile } from './memoryFixtures.ts';
import { isProbed, type Fixtures } from './memoryRequests.ts';

/**
 * Peak memory per function: each HTTP function of the table in a fresh Node process, its handler
 * imported as the local stack imports it (the source modules, against the running local stack),
 * invoked `requests` times in a row (1,000 by default) as one warm Lambda instance would be, its
 * heap bounded by the function's memory; the process's peak resident set size beside the memory the
 * stack configures for the function (infra/constructs/functions.ts), and the heap still in use after
 * a full collection at the end. Node's own baseline is a process that imports nothing.
 */

export interface MemoryResult {
  handler: string;
  requests: number;
  peakRssBytes: number;
  /** Heap in use after the requests and a full collection. */
  retainedHeapBytes: number;
  configuredMb: number;
  /** Peak RSS / configured memory. */
  share: number;
}

/**
 * One probe process. Its V8 heap may not grow beyond the function's configured memory: on this
 * machine (24 GiB) V8 would otherwise let garbage pile up for hundreds of MB before it collects,
 * which a Lambda instance with that memory never does, and the peak would measure the machine.
 */
function probe(args: string[], fixtures: Fixtures, configuredMb: number): Promise<{ peakRssBytes: number; retainedHeapBytes: number }> {
  return new Promise((resolve, reject) => {
    const flags = ['--expose-gc', `--max-old-space-size=${configuredMb}`];
    const child = spawn(process.execPath, [...flags, join(PROJECT_ROOT, 'bench', 'memoryProbe.ts'), ...args], { env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    // On stdin, not in argv: the fixtures hold status and citizen tokens, which a process list shows.
    child.stdin.end(JSON.stringify(fixtures));
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as { peakRssBytes: number; retainedHeapBytes: number }) : reject(new Error(`${args[0]} failed (exit ${code}):\n${err.slice(-2000)}`)),
    );
  });
}

function baseline(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { peakRssBytes } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'bench', 'peakRss.ts')).href)}; process.stdout.write(String(peakRssBytes()));`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(Number(out)));
  });
}

export async function peakMemory(options: { stack: StackInfo; requests: number; log: (line: string) => void }): Promise<{ nodeBaselineBytes: number; functions: MemoryResult[]; notMeasured: string[] }> {
  return withStackFile(options.stack, async () => {
    const fixtures = await baseFixtures(options.requests);
    const results: MemoryResult[] = [];
    const notMeasured: string[] = [];
    for (const { name, trigger, needs, memoryMb } of functionsOf(functions)) {
      if (trigger.kind !== 'http') continue;
      if (!isProbed(name)) {
        notMeasured.push(name);
        options.log(`  ${name}: not measured (bench/memoryRequests.ts has no requests for it yet)`);
        continue;
      }
      Object.assign(fixtures, await fixturesFor(name, options.stack, fixtures, options.requests));
      const configuredMb = memorySizeOf(needs, memoryMb);
      const { peakRssBytes, retainedHeapBytes } = await probe([name, String(options.requests)], fixtures, configuredMb);
      results.push({ handler: name, requests: options.requests, peakRssBytes, retainedHeapBytes, configuredMb, share: peakRssBytes / (configuredMb * 1024 * 1024) });
      options.log(`  ${name}: peak RSS ${(peakRssBytes / 1048576).toFixed(0)} MB of ${configuredMb} MB, ${(retainedHeapBytes / 1048576).toFixed(1)} MB heap retained`);
    }
    return { nodeBaselineBytes: await baseline(), functions: results, notMeasured };
  });
}
