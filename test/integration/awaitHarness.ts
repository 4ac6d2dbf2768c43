import { SHARED_BROWSER_ENV } from '../support/browser.ts';
import { HARNESS_FILE_ENV, settledHarness } from './harness.ts';

// Before an integration file loads: the suite's stack and browser, started in the background by the
// project's globalSetup, are up (or this file fails with the reason their start gave). Outside the
// project's run (no globalSetup) there is nothing to wait for, and stackInfo() says so.
const file = process.env[HARNESS_FILE_ENV];
if (file) {
  // Longer than the start's own deadline (globalSetup.ts), which reports its failure here.
  const state = await settledHarness(file, 300_000);
  if (!state.ready) throw new Error(`the integration suite's local stack or browser did not start:\n${state.error}`);
  process.env[SHARED_BROWSER_ENV] = state.browserEndpoint;
}
