import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserServer } from 'playwright-core';
import { launchSharedBrowser, SHARED_BROWSER_ENV } from '../support/browser.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { plantMarkers } from '../support/markers.ts';

declare global {
  var __egovStack: RunningStack | undefined;
  var __egovBrowser: BrowserServer | undefined;
}

/** Starts the whole local stack once for the integration suite, on free ports and a fresh data dir. */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'egov-it-'));
  // DEBUG: every line any handler could log is written, so the leak check in the teardown sees it.
  // The status routes' limit counts per client address, and every file of the suite calls from
  // 127.0.0.1 at once: the limit itself is tested on stacks of their own (status.test.ts).
  // A generous deadline: on a loaded machine the start (DynamoDB Local, the forms build) takes minutes.
  const stack = await spawnStack({ LOCAL_DATA_DIR: dataDir, LOCAL_KMS_FAULTS: '1', POWERTOOLS_LOG_LEVEL: 'DEBUG', LOCAL_STATUS_RATE_LIMIT: '100000' }, 240_000);
  globalThis.__egovStack = stack;
  process.env.EGOV_STACK_FILE = join(dataDir, 'stack.json');
  // The stack's generated credentials must never be logged either (the teardown checks).
  plantMarkers([stack.info.credentials.accessKeyId, stack.info.credentials.secretAccessKey], dataDir);
  // A copy of the stack's log that tests can read (test/integration/logLeaks.test.ts).
  const copy = join(dataDir, 'stack-output.log');
  appendFileSync(copy, stack.output(), { mode: 0o600 });
  for (const stream of [stack.child.stdout, stack.child.stderr]) stream?.on('data', (chunk: Buffer) => appendFileSync(copy, chunk));
  // One Chromium for the browser files of every worker (test/support/browser.ts).
  const browser = await launchSharedBrowser();
  globalThis.__egovBrowser = browser;
  process.env[SHARED_BROWSER_ENV] = browser.wsEndpoint();
}
