import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnStack, type RunningStack } from '../support/localStack.ts';

declare global {
  var __egovStack: RunningStack | undefined;
}

/** Starts the whole local stack once for the integration suite, on free ports and a fresh data dir. */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'egov-it-'));
  const stack = await spawnStack({ LOCAL_DATA_DIR: dataDir, LOCAL_KMS_FAULTS: '1' });
  globalThis.__egovStack = stack;
  process.env.EGOV_STACK_FILE = join(dataDir, 'stack.json');
}
