// jest starts the longest test files first, also on a clean clone without its timing cache
// (test/support/sequencer.ts), so that no long file starts last and stretches `npm test`'s tail.
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Test } from '@jest/test-result';
import type { Config } from '@jest/types';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import LongestFirst, { estimatedDuration } from '../support/sequencer.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

const jestConfig = async () => ((await import(join(repoRoot, 'jest.config.js'))) as { default: { testSequencer?: string } }).default;

describe('the order of the test files', () => {
  it("is jest's sequencer of this repository", async () => {
    expect((await jestConfig()).testSequencer).toBe('<rootDir>/test/support/sequencer.ts');
  });

  // The biggest files of each project are ~20-26 KB.
  const big = `it('adds up', () => expect(1 + 1).toBe(2));\n`.repeat(600);

  it('puts a file that starts a stack, a bundled synth or a nested jest before a bigger one of its project that starts nothing', () => {
    // Spelt in pieces, so that this file's own source does not look like such a file.
    for (const [project, small] of [
      ['integration', `await ${'spawnStack'}({ PORT: '0' });`],
      ['infra', `synthStage("dev", { ${'bundling'}: true });`],
      ['unit', `join(root, 'node_modules', ${"'jest', "}'bin', 'jest.js')`],
    ] as const) {
      expect(small.length).toBeLessThan(big.length / 100);
      expect(estimatedDuration(small, project)).toBeGreaterThan(estimatedDuration(big, project));
    }
  });

  it('puts an integration file (calls to the stack) before a unit file of the same size', () => {
    expect(estimatedDuration(big, 'integration')).toBeGreaterThan(estimatedDuration(big, 'unit'));
  });

  it('counts each stack a file starts', () => {
    const start = `${'spawnStack'}(env);`;
    expect(estimatedDuration(`${start} ${start}`, 'integration')).toBeGreaterThan(estimatedDuration(`${start} ${'_'.repeat(start.length)}`, 'integration'));
  });
});

describe('the sequencer on a clean clone (no recorded durations)', () => {
  afterAll(removeTempDirs);

  /** Test files of the given projects and sources, as jest hands them to the sequencer. */
  function testFiles(files: [project: string, name: string, source: string][]): Test[] {
    const dir = tempDir('egov-order-');
    return files.map(([project, name, source]) => {
      writeFileSync(join(dir, name), source);
      const config = { id: `order-${project}`, displayName: { name: project }, cacheDirectory: join(dir, 'cache'), haste: {} };
      return { path: join(dir, name), context: { config } } as unknown as Test;
    });
  }

  it('hands out the longest first, but no integration file (it waits for the shared stack) as a first file of a worker', () => {
    const stacks = (n: number) => `${'spawnStack'}(env);\n`.repeat(n);
    const tests = testFiles([
      ['unit', 'small.test.ts', 'it("adds up", () => {});'],
      ['integration', 'threeStacks.test.ts', stacks(3)],
      ['integration', 'twoStacks.test.ts', stacks(2)],
      ['infra', 'bundled.test.ts', `synthStage('dev', { ${'bundling'}: true });`],
      ['unit', 'big.test.ts', 'it("adds up", () => {});\n'.repeat(400)],
    ]);
    const sequencer = new LongestFirst({ contexts: [], globalConfig: { maxWorkers: 2 } as Config.GlobalConfig });
    expect(sequencer.sort(tests).map((test) => basename(test.path))).toEqual(['bundled.test.ts', 'big.test.ts', 'threeStacks.test.ts', 'twoStacks.test.ts', 'small.test.ts']);
  });
});
