import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { STAGE_NAMES } from '../config.ts';
import { synthSummary, VALIDATION_REPORT } from './synthReport.ts';

// `npm run synth`: synthesizes every stage offline, one after the other, as CI and operators check
// them (cdk-nag runs inside the synth). Extra arguments go to each `cdk synth`.
const USAGE = `usage: npm run synth [-- <cdk synth options>]

Runs \`cdk synth --quiet -c stage=<stage>\` for each stage (${STAGE_NAMES.join(', ')}), offline (no AWS
credentials, no Docker), with cdk-nag; stops at the first that fails. Ends with one line per stage:
synthesized, and what cdk-nag found (nothing, or the rules). Extra options are passed to
each synth, e.g. \`npm run synth -- -c alarmEmail=it@kreis.example\`. cdk's own options:
\`npx cdk synth --help\`.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
// The committed prod stage file holds placeholders, which a prod synth refuses (infra/config.ts):
// the check synthesizes prod with the test fixture's values unless a stage file is named.
const stageArgs: Record<string, string[]> = {
  prod: args.some((arg) => arg.includes('stageFile=')) ? [] : ['-c', 'stageFile=test/infra/fixtures/prod.json'],
};
// Where cdk writes the assembly (and the validation report): -o/--output, as cdk reads it.
const outputAt = args.findIndex((arg) => arg === '-o' || arg === '--output');
const outdir = outputAt >= 0 ? (args[outputAt + 1] ?? 'cdk.out') : (args.find((arg) => arg.startsWith('--output='))?.slice('--output='.length) ?? 'cdk.out');
const summaries: string[] = [];
for (const stage of STAGE_NAMES) {
  // A report left by an earlier synth must not speak for this one.
  rmSync(join(outdir, VALIDATION_REPORT), { force: true });
  const run = spawnSync('cdk', ['synth', '--quiet', '-c', `stage=${stage}`, ...(stageArgs[stage] ?? []), ...args], { stdio: 'inherit' });
  if (run.error) {
    console.error(`synth: could not run cdk (${run.error.message}); run it through npm after npm ci`);
    process.exit(1);
  }
  if (run.status !== 0) process.exit(run.status ?? 1);
  const summary = synthSummary(stage, outdir);
  summaries.push(summary.line);
  if (!summary.ok) {
    console.error(summaries.join('\n'));
    process.exit(1);
  }
}
console.log(summaries.join('\n'));
