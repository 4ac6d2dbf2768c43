import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm test`: what CI runs. Type checks and lint at once, then every jest project; arguments go to jest.
const USAGE = `usage: npm test [-- <jest arguments>]

Type-checks (tsc --noEmit, both projects) and lints (eslint .), the three at once, then runs the
unit, integration and infrastructure tests (jest) unless a check failed. Arguments are passed to jest, e.g.
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
// The checks run at once (each on one core; together 34 s one after the other on 2 cores), their
// output printed whole, one after the other, in this order; jest runs only when all of them pass.
const checks: [string, string[]][] = [
  ['tsc', ['--noEmit']],
  // Both front ends and what they share (portal/tsconfig.json includes the console).
  ['tsc', ['--noEmit', '-p', 'portal']],
  ['eslint', ['.']],
];
const cannotRun = (command: string, error: Error): string => `npm test: could not run ${command} (${error.message}); run it through npm after npm ci\n`;

/** One check: its exit status and everything it printed. */
function check(command: string, commandArgs: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve({ status: 1, output: output + cannotRun(command, error) }));
    child.once('close', (code) => resolve({ status: code ?? 1, output }));
  });
}

let status = 0;
for (const result of await Promise.all(checks.map(([command, commandArgs]) => check(command, commandArgs)))) {
  process.stdout.write(result.output);
  if (status === 0) status = result.status;
}
if (status === 0) {
  const run = spawnSync('jest', jestArgs, { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: JEST_NODE_OPTIONS, TMPDIR: testTmp } });
  if (run.error) {
    process.stderr.write(cannotRun('jest', run.error));
    status = 1;
  } else if (run.status !== 0) {
    status = run.status ?? 1;
  }
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
