// Issue 13, commands: every `npm run` command answers `--help` with its usage, exit 0, and does
// nothing else (no stack started, no file written, no five-minute benchmark). The scripts come
// from package.json, so a new script without a --help answer fails here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import { loadStageConfig, officeIds } from '../../infra/config.ts';
import { formCatalogue } from '../support/forms.ts';

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

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const scratch = mkdtempSync(join(tmpdir(), 'egov-help-'));
const dataDir = join(scratch, 'must-not-exist');

function runHelp(script: string, args = ['--help'], env: Record<string, string> = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(npm[0]!, [...npm.slice(1), 'run', '-s', script, '--', ...args], {
      cwd: repoRoot,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, PORT: '0', NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), QUICK_MS * 2);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

const runs = new Map<string, Run>();
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

describe('npm run token', () => {
  it('prints its usage once, on stderr, with exit 2 when an argument is missing', async () => {
    const run = await runHelp('token', ['--sub', 'alice']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.match(/^usage: /gm)).toHaveLength(1);
    expect(run.stderr).toMatch(/^--office is required$/m);
  });

  it('warns on stderr when an office has no form in the catalogue, and still prints the token alone on stdout', async () => {
    const run = await runHelp('token', ['--sub', 'alice', '--office', 'ordnungsamt', '--office', 'bauamt']);
    rmSync(dataDir, { recursive: true, force: true }); // minting creates the local user pool key
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(run.stderr).toMatch(/^warning: no form in the catalogue .* belongs to office "bauamt"/m);
    expect(run.stderr).not.toMatch(/"ordnungsamt"/);
  });

  it('warns about an office whose forms the stage file STAGE names does not offer', async () => {
    const town = loadStageConfig((key) => (key === 'stage' ? 'stadt-bensheim-dev' : undefined));
    const office = formCatalogue().offices().find((candidate) => !officeIds(town).includes(candidate))!;
    const run = await runHelp('token', ['--sub', 'alice', '--office', office], { STAGE: town.name });
    rmSync(dataDir, { recursive: true, force: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^warning: no form in the catalogue of stage ${town.name} .* belongs to office "${office}"`, 'm'));
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
});
