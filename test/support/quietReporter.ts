import { DefaultReporter } from '@jest/reporters';
import type { AggregatedResult, Test, TestContext, TestResult } from '@jest/reporters';
import { relative } from 'node:path';

/**
 * Jest's default reporter, minus the console output of test files that passed: `npm test` prints
 * log lines only where a test failed. Nothing is silenced on the way: tests and leak checks still
 * see every line (test/support/quietOutput.ts routes raw writes to the test console), and a
 * failing file shows all of its output.
 *
 * At the end it names every failing file and test, just above the totals: jest's own summary
 * repeats them only for runs of more than 20 files, and a failing file's log lines can push its
 * FAIL header far out of sight.
 */
export default class QuietReporter extends DefaultReporter {
  override onTestResult(test: Test, result: TestResult, aggregated: AggregatedResult): void {
    super.onTestResult(test, failed(result) ? result : { ...result, console: undefined }, aggregated);
  }

  override onRunComplete(contexts?: Set<TestContext>, aggregated?: AggregatedResult): void {
    super.onRunComplete();
    const failures = (aggregated?.testResults ?? []).filter(failed);
    if (failures.length > 0) this.log(failureList(failures, this._globalConfig.rootDir));
  }
}

function failed(result: TestResult): boolean {
  return result.numFailingTests > 0 || result.testExecError !== undefined || Boolean(result.failureMessage);
}

/** `Failing test files (n):` and one line per file (by path), each failing test below it. */
export function failureList(results: TestResult[], rootDir: string): string {
  const lines = [`Failing test files (${results.length}):`];
  for (const result of [...results].sort((a, b) => a.testFilePath.localeCompare(b.testFilePath))) {
    lines.push(`  FAIL ${relative(rootDir, result.testFilePath)}`);
    if (result.testExecError !== undefined && result.numFailingTests === 0) lines.push(`    ✕ (the file did not run: ${result.testExecError.message.split('\n')[0]})`);
    for (const test of result.testResults.filter((each) => each.status === 'failed')) lines.push(`    ✕ ${test.fullName}`);
  }
  return `${lines.join('\n')}\n`;
}
