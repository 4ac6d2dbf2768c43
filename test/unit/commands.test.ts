// Issue 13, commands: every `npm run` command answers `--help` with its usage, exit 0, and does
// nothing else (no stack started, no file written, no five-minute benchmark). The scripts come
// from package.json, so a new script without a --help answer fails here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import { type NpmRun, runNpmScript } from '../support/processes.ts';

const scripts = Object.keys((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** What each script's --help prints: ours say `usage: npm …`; passthroughs print their tool's help. */
const OWN_USAGE = (name: string) => new RegExp(`^usage: npm (run (-s )?)?${name.replace(/[:]/g, '\\$&')}\\b`, 'm');
const TOOL_HELP: Record<string, RegExp> = {
  'test:unit': /^Usage: jest/m,
  'test:integration': /^Usage: jest/m,
  'test:infra': /^Usage: jest/m,
  'test:fuzz': /^Usage: jest/m,
  typecheck: /The TypeScript Compiler/,
  lint: /^eslint \[options\]/m,
};
/** Well above a script's start-up on a busy 2-core machine, far below any real run. */
const QUICK_MS = 20_000;
/** Files a script would write if it ran instead of answering --help. */
const OUTPUTS = ['docs/openapi.json', 'forms.lock.json', 'bench/results.json'];

const scratch = mkdtempSync(join(tmpdir(), 'egov-help-'));
const dataDir = join(scratch, 'must-not-exist');

function runHelp(script: string): Promise<NpmRun> {
  return runNpmScript(script, ['--help'], { cwd: repoRoot, env: { ...process.env, LOCAL_DATA_DIR: dataDir, PORT: '0', NODE_OPTIONS: '' }, killAfterMs: QUICK_MS * 2 });
}

const runs = new Map<string, NpmRun>();
const mtimes = () => OUTPUTS.map((file) => (existsSync(join(repoRoot, file)) ? statSync(join(repoRoot, file)).mtimeMs : 0));
let before: number[];

beforeAll(async () => {
  before = mtimes();
  const queue = [...scripts];
  // Two at a time: the machine has two cores.
  await Promise.all(
    [0, 1].map(async () => {
      for (let script = queue.shift(); script !== undefined; script = queue.shift()) runs.set(script, await runHelp(script));
    }),
  );
}, 300_000);

describe('every npm script answers --help', () => {
  it('covers the scripts of package.json', () => {
    expect(scripts).toEqual(expect.arrayContaining(['start', 'token', 'bench', 'clerk', 'openapi', 'forms:check', 'synth', 'test', 'test:load']));
  });

  it.each(scripts)('npm run %s -- --help prints its usage, exits 0 and returns quickly', (script) => {
    const run = runs.get(script)!;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(TOOL_HELP[script] ?? OWN_USAGE(script));
    expect(run.ms).toBeLessThan(QUICK_MS);
  });

  it('none of them started a stack or wrote a file', () => {
    expect(existsSync(dataDir)).toBe(false);
    expect(mtimes()).toEqual(before);
    for (const [script, run] of runs) expect(`${script}: ${run.stdout}`).not.toMatch(/listening on http:\/\/127\.0\.0\.1:\d|^wrote |seeded|cold start …/m);
  });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

