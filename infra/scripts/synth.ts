import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stageNames } from '../config.ts';
import { synthSummary, VALIDATION_REPORT } from './synthReport.ts';

// `npm run synth`: synthesizes every stage file of infra/stages/ (every administration and stage)
// offline, one after the other, as CI and operators check them (cdk-nag runs inside the synth).
// Extra arguments go to each `cdk synth`.
const USAGE = `usage: npm run synth [-- <cdk synth options>]

Runs \`cdk synth --quiet -c stage=<name>\` for each stage file of infra/stages/ (${stageNames().join(', ')}),
offline (no AWS credentials, no Docker), with cdk-nag; stops at the first that fails. Ends with one
line per stage: synthesized, and what cdk-nag found (nothing, or the rules). Extra options are
passed to each synth, e.g. \`npm run synth -- -c alarmEmail=it@kreis.example\`. cdk's own
options: \`npx cdk synth --help\`.`;

/** Where the filled-in copies of the committed prod files live (test fixtures, no placeholders). */
const FIXTURES_DIR = 'test/infra/fixtures';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
// Where cdk writes the assembly (and the validation report): -o/--output, as cdk reads it.
const outputAt = args.findIndex((arg) => arg === '-o' || arg === '--output');
const outdir = outputAt >= 0 ? (args[outputAt + 1] ?? 'cdk.out') : (args.find((arg) => arg.startsWith('--output='))?.slice('--output='.length) ?? 'cdk.out');
const summaries: string[] = [];
for (const stage of stageNames()) {
  // A committed prod stage file holds placeholders, which a prod synth refuses (infra/config.ts):
  // the check synthesizes such a stage with the test fixture of the same name (the values an
  // operator fills in) unless a stage file is named.
  const fixture = join(FIXTURES_DIR, `${stage}.json`);
  const stageArgs = !args.some((arg) => arg.includes('stageFile=')) && existsSync(fixture) ? ['-c', `stageFile=${fixture}`] : [];
  // A report left by an earlier synth must not speak for this one.
  rmSync(join(outdir, VALIDATION_REPORT), { force: true });
  const run = spawnSync('cdk', ['synth', '--quiet', '-c', `stage=${stage}`, ...stageArgs, ...args], { stdio: 'inherit' });
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
