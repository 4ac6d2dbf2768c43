import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Test } from '@jest/test-result';
import type sequencer from '@jest/test-sequencer';

// Jest's sequencer, required as the CommonJS module it is (its class is `exports.default`): an
// import's default export differs between Node's loaders (jest requires this file as ESM).
const { default: TestSequencer } = createRequire(import.meta.url)('@jest/test-sequencer') as typeof sequencer;

/**
 * The order in which jest hands the test files to its workers: the longest first, so that no long
 * file starts last and stretches the run's tail while the other worker idles. Jest's own sequencer
 * knows a file's duration only from an earlier run on the same machine (its cache); on a clean clone
 * (CI) it orders by file size, which puts a short file with a big table before a long file that
 * starts a stack. Here a file without a recorded duration is estimated from what its source starts,
 * which stays true as the files change: a bundled synth, a nested jest run, local stacks of its own,
 * a browser, a synth. Files that failed last time still come first, as with jest's.
 */
const COSTS: readonly { what: RegExp; ms: number }[] = [
  // esbuild bundling every function (test/infra/synth.ts)
  { what: /bundling: true/g, ms: 60_000 },
  // jest inside jest (test/unit/forms/publishing.test.ts)
  { what: /jest', 'bin', 'jest\.js'/g, ms: 50_000 },
  // a local stack of its own: DynamoDB Local's JVM, the forms build (test/support/localStack.ts)
  { what: /spawnStack\(/g, ms: 30_000 },
  // a Chromium context and the pages it drives (test/support/browser.ts)
  { what: /launchChromium\(/g, ms: 10_000 },
  // a synth (most read a shared template: templateCache.ts)
  { what: /synthStage\(|synthTown\(/g, ms: 3_000 },
];
/**
 * The rest of a file's time, roughly in proportion to its size, at a rate per project (measured on
 * this repository's files): a unit test computes, an integration test makes calls to the local
 * stack, an infra test queries a template.
 */
const MS_PER_BYTE: Readonly<Record<string, number>> = { unit: 0.1, integration: 1, infra: 0.5 };

/** A file's expected duration in ms, from its source and its jest project's name. */
export function estimatedDuration(source: string, project = 'unit'): number {
  return COSTS.reduce((sum, { what, ms }) => sum + (source.match(what)?.length ?? 0) * ms, source.length * (MS_PER_BYTE[project] ?? 1));
}

const FAILED = 0;

export default class LongestFirst extends TestSequencer {
  private readonly workers: number;

  constructor(options: ConstructorParameters<typeof TestSequencer>[0]) {
    super(options);
    this.workers = options.globalConfig.maxWorkers;
  }

  override sort(tests: Test[]): Test[] {
    const failed = (test: Test): boolean => this._getCache(test)[test.path]?.[0] === FAILED;
    const expected = new Map<Test, number>();
    for (const test of tests) {
      // As jest's sequencer does: the recorded duration (jest's run-in-band choice reads it).
      test.duration = this._getCache(test)[test.path]?.[1];
      expected.set(test, test.duration ?? estimatedDuration(readFileSync(test.path, 'utf8'), test.context.config.displayName?.name));
    }
    const sorted = [...tests].sort((a, b) => Number(failed(b)) - Number(failed(a)) || expected.get(b)! - expected.get(a)!);
    // An integration file waits for the shared stack's start (test/integration/harness.ts), which
    // runs in the background meanwhile: each worker's first file is one of the other projects'.
    const first = sorted.filter((test) => test.context.config.displayName?.name !== 'integration' && !failed(test)).slice(0, this.workers);
    return [...first, ...sorted.filter((test) => !first.includes(test))];
  }
}
