import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { leaksIn, plantedMarkers } from '../support/markers.ts';

/**
 * Stops the suite's stack, then checks its whole output (every log line of every handler, the
 * local KMS and the gateway) against every marker any test file planted: form values, notes,
 * Idempotency-Keys, bearer tokens. Here, after all files, the check does not depend on their order.
 */
export default async function globalTeardown(): Promise<void> {
  // The background start (globalSetup.ts) settles first: a stack still starting is stopped too.
  await globalThis.__egovHarness;
  await globalThis.__egovBrowser?.close();
  globalThis.__egovBrowser = undefined;
  const stack = globalThis.__egovStack;
  const stackFile = process.env.EGOV_STACK_FILE;
  try {
    if (!stack) return;
    await stack.stop();
    const markers = plantedMarkers(stack.info.dataDir);
    const output = stack.output();
    const leaks = leaksIn(output, markers);
    if (leaks.length > 0) {
      const lines = output.split('\n').filter((line) => leaks.some((leak) => line.toLowerCase().includes(leak.toLowerCase())));
      throw new Error(`the local stack logged ${leaks.length} planted value(s):\n${lines.slice(0, 5).join('\n')}`);
    }
    // Silent when it holds: `npm test` prints log lines only for failures.
  } finally {
    // The data dir, also of a stack that did not start.
    if (stackFile) rmSync(dirname(stackFile), { recursive: true, force: true });
  }
}
