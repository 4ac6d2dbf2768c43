import { spawnSync } from 'node:child_process';

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
const steps: [string, string[], NodeJS.ProcessEnv?][] = [
  ['tsc', ['--noEmit']],
  ['eslint', ['.']],
  ['jest', args, { ...process.env, NODE_OPTIONS: JEST_NODE_OPTIONS }],
];
for (const [command, commandArgs, env] of steps) {
  const run = spawnSync(command, commandArgs, { stdio: 'inherit', env: env ?? process.env });
  if (run.error) {
    console.error(`npm test: could not run ${command} (${run.error.message}); run it through npm after npm ci`);
    process.exit(1);
  }
  if (run.status !== 0) process.exit(run.status ?? 1);
}
