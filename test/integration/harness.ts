import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { until } from '../support/waiting.ts';

/**
 * The integration project's shared stack and browser start in the background: its globalSetup
 * (globalSetup.ts) spawns them and returns at once, so that jest runs the unit and infra files
 * meanwhile, and writes one file when they are ready, or when their start failed. Every integration
 * file waits on that file before it loads (awaitHarness.ts, a setupFilesAfterEnv of the project):
 * on a condition, with the start's own error when it failed.
 */
export const HARNESS_FILE_ENV = 'EGOV_HARNESS_FILE';

/** What the globalSetup writes: the shared browser's endpoint, or why the start failed. */
export type HarnessState = { ready: true; browserEndpoint: string } | { ready: false; error: string };

/** Written whole, then renamed: a reader sees no file or the complete one. */
export function announce(file: string, state: HarnessState): void {
  writeFileSync(`${file}.partial`, JSON.stringify(state), { mode: 0o600 });
  renameSync(`${file}.partial`, file);
}

/**
 * The harness's state once it has settled: waits until the file is there. The globalSetup's own
 * deadline for the start (spawnStack's) fails it before `timeoutMs` does; this one only guards
 * against a setup that died without a word.
 */
export function settledHarness(file: string, timeoutMs: number): Promise<HarnessState> {
  return until(`the integration suite's local stack and browser (${file})`, () =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HarnessState) : undefined, timeoutMs);
}
