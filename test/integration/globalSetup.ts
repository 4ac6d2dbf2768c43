import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserServer } from 'playwright-core';
import { launchSharedBrowser } from '../support/browser.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { plantMarkers } from '../support/markers.ts';
import { announce, HARNESS_FILE_ENV } from './harness.ts';

declare global {
  var __egovStack: RunningStack | undefined;
  var __egovBrowser: BrowserServer | undefined;
  /** The background start (harness.ts); settles once both are up or one of them failed. */
  var __egovHarness: Promise<void> | undefined;
}

/**
 * Starts the whole local stack once for the integration suite, on free ports and a fresh data dir,
 * and one Chromium for the browser files of every worker (test/support/browser.ts). Both start in
 * the background: this returns at once, so the unit and infra files run meanwhile, and each
 * integration file waits for them (harness.ts, awaitHarness.ts).
 */
export default function globalSetup(): void {
  const dataDir = mkdtempSync(join(tmpdir(), 'egov-it-'));
  process.env.EGOV_STACK_FILE = join(dataDir, 'stack.json');
  const harnessFile = join(dataDir, 'harness.json');
  process.env[HARNESS_FILE_ENV] = harnessFile;
  // DEBUG: every line any handler could log is written, so the leak check in the teardown sees it.
  // The status routes' limit counts per client address, and every file of the suite calls from
  // 127.0.0.1 at once: the limit itself is tested on stacks of their own (status.test.ts).
  // A generous deadline: on a loaded machine the start (DynamoDB Local, the forms build) takes minutes.
  const stackStarted = spawnStack({ LOCAL_DATA_DIR: dataDir, LOCAL_KMS_FAULTS: '1', POWERTOOLS_LOG_LEVEL: 'DEBUG', LOCAL_STATUS_RATE_LIMIT: '100000' }, 240_000).then((stack) => {
    globalThis.__egovStack = stack;
    // The stack's generated credentials must never be logged either (the teardown checks).
    plantMarkers([stack.info.credentials.accessKeyId, stack.info.credentials.secretAccessKey], dataDir);
    // A copy of the stack's log that tests can read (test/integration/logLeaks.test.ts).
    const copy = join(dataDir, 'stack-output.log');
    appendFileSync(copy, stack.output(), { mode: 0o600 });
    for (const stream of [stack.child.stdout, stack.child.stderr]) stream?.on('data', (chunk: Buffer) => appendFileSync(copy, chunk));
  });
  const browserLaunched = launchSharedBrowser().then((browser) => {
    globalThis.__egovBrowser = browser;
    return browser.wsEndpoint();
  });
  // Both settle before the state is written, so that the teardown finds whatever did start.
  globalThis.__egovHarness = Promise.allSettled([stackStarted, browserLaunched]).then(([stack, browser]) => {
    if (stack.status === 'fulfilled' && browser.status === 'fulfilled') return announce(harnessFile, { ready: true, browserEndpoint: browser.value });
    const reasons = [stack, browser].flatMap((start) => (start.status === 'rejected' ? [start.reason instanceof Error ? start.reason.message : String(start.reason)] : []));
    announce(harnessFile, { ready: false, error: reasons.join('\n') });
  });
}
