import { spawnSync } from 'node:child_process';
import { STAGE_NAMES } from '../config.ts';

// `npm run synth`: synthesizes every stage offline, one after the other, as CI and operators check
// them (cdk-nag runs inside the synth). Extra arguments go to each `cdk synth`.
const USAGE = `usage: npm run synth [-- <cdk synth options>]

Runs \`cdk synth --quiet -c stage=<stage>\` for each stage (${STAGE_NAMES.join(', ')}; prod with both
test fixtures, test/infra/fixtures/prod.json and prod-edge.json), offline (no AWS
credentials, no Docker), with cdk-nag; stops at the first that fails. Extra options are passed to
each synth, e.g. \`npm run synth -- -c alarmEmail=it@kreis.example\`. cdk's own options:
\`npx cdk synth --help\`.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
// The committed prod stage file holds placeholders, which a prod synth refuses (infra/config.ts):
// the check synthesizes prod with the test fixture's values unless a stage file is named.
// Two administrations' prod files: the fixture's, and a second one as a new account starts (nothing
// reserved, console domain and WAF; test/infra/fixtures/prod-edge.json).
const ownStageFile = args.some((arg) => arg.includes('stageFile='));
const runs = STAGE_NAMES.flatMap((stage): { stage: string; extra: string[] }[] =>
  stage === 'prod' && !ownStageFile
    ? [
        { stage, extra: ['-c', 'stageFile=test/infra/fixtures/prod.json'] },
        { stage, extra: ['-c', 'stageFile=test/infra/fixtures/prod-edge.json'] },
      ]
    : [{ stage, extra: [] }],
);
for (const { stage, extra } of runs) {
  const run = spawnSync('cdk', ['synth', '--quiet', '-c', `stage=${stage}`, ...extra, ...args], { stdio: 'inherit' });
  if (run.error) {
    console.error(`synth: could not run cdk (${run.error.message}); run it through npm after npm ci`);
    process.exit(1);
  }
  if (run.status !== 0) process.exit(run.status ?? 1);
}
