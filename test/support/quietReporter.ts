import { DefaultReporter } from '@jest/reporters';
import type { AggregatedResult, Test, TestResult } from '@jest/reporters';

/**
 * Jest's default reporter, minus the console output of test files that passed: `npm test` prints
 * log lines only where a test failed. Nothing is silenced on the way: tests and leak checks still
 * see every line (test/support/quietOutput.ts routes raw writes to the test console), and a
 * failing file shows all of its output.
 */
export default class QuietReporter extends DefaultReporter {
  override onTestResult(test: Test, result: TestResult, aggregated: AggregatedResult): void {
    const failed = result.numFailingTests > 0 || result.testExecError !== undefined || result.failureMessage;
    super.onTestResult(test, failed ? result : { ...result, console: undefined }, aggregated);
  }
}
