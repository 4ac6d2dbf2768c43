import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm test`: what CI runs. Type check, lint, then every jest project; arguments go to jest.
const USAGE = `usage: npm test [-- <jest arguments>]

Type-checks (tsc --noEmit), lints (eslint .) and runs the unit, integration and infrastructure
tests (jest); stops at the first step that fails. Arguments are passed to jest, e.g.
\`npm test -- test/unit/envelope.test.ts\` or \`npm test -- --selectProjects unit\`.
One suite alone: npm run test:unit | test:integration | test:infra; jest's options: npx jest --help.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const JEST_NODE_OPTIONS = '--experimental-vm-modules --disable-warning=ExperimentalWarning';
// The tests get a temp dir of their own (TMPDIR): whatever they leave there is a test's defect,
// reported and removed, so `npm test` never leaves temporary files behind. Jest's cache stays
// where it always is, so it survives the run.
const systemTmp = tmpdir();
const testTmp = mkdtempSync(join(systemTmp, 'egov-test-'));
const cacheArgs = args.some((arg) => arg.startsWith('--cacheDirectory')) ? [] : [`--cacheDirectory=${join(systemTmp, `jest_${(process.getuid?.() ?? 0).toString(36)}`)}`];
// Two test files at a time even on 2 cores (jest's default is cores − 1, one file at a time there):
// an integration file mostly waits on the local stack and the browser, an infra file synthesizes
// on one core, so a second file fills the core the first leaves idle. Integration files share one
// local stack either way (test/integration/globalSetup.ts); their tests wait on conditions.
const workerArgs = args.some((arg) => /^(--maxWorkers|-w|--runInBand|-i)(=|$)/.test(arg)) ? [] : [`--maxWorkers=${Math.max(2, availableParallelism() - 1)}`];
const jestArgs = [...cacheArgs, ...workerArgs, ...args];
const steps: [string, string[], NodeJS.ProcessEnv?][] = [
  ['tsc', ['--noEmit']],
  // Both front ends and what they share (portal/tsconfig.json includes the console).
  ['tsc', ['--noEmit', '-p', 'portal']],
  ['eslint', ['.']],
  ['jest', jestArgs, { ...process.env, NODE_OPTIONS: JEST_NODE_OPTIONS, TMPDIR: testTmp }],
];
let status = 0;
for (const [command, commandArgs, env] of steps) {
  const run = spawnSync(command, commandArgs, { stdio: 'inherit', env: env ?? process.env });
  if (run.error) {
    console.error(`npm test: could not run ${command} (${run.error.message}); run it through npm after npm ci`);
    status = 1;
  } else if (run.status !== 0) {
    status = run.status ?? 1;
  }
  if (status !== 0) break;
}
/** Caches tools keep in the temp dir by design (Node's compile cache, used by npm): not a test's leftovers. */
const TOOL_CACHES = new Set(['node-compile-cache']);
const leftovers = readdirSync(testTmp).filter((name) => !TOOL_CACHES.has(name));
rmSync(testTmp, { recursive: true, force: true });
if (status === 0 && leftovers.length > 0) {
  console.error(`npm test: the tests left ${leftovers.length} temporary file(s) behind (removed now): ${leftovers.join(', ')}`);
  status = 1;
}
process.exit(status);
