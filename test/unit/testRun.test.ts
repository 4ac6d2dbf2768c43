// `npm test` (test/run.ts): both type checks and the lint run at once, and jest only when all pass.
// Here with stand-ins for tsc, eslint and jest first on PATH, which record that they ran.
import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import { runToEnd } from '../support/processes.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

afterAll(removeTempDirs);

/**
 * A check that waits until all three checks have started (a condition, with a deadline): run one
 * after the other, the first would never see the others and fail.
 */
const CHECK = `#!/bin/sh
name="$(basename "$0")$(case "$*" in *portal*) echo -portal;; esac)"
touch "$MARKS/$name.started"
tries=0
until [ "$(ls "$MARKS" | grep -c '\\.started$')" -ge 3 ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 1200 ]; then echo "$name: the other checks did not start alongside" >&2; exit 7; fi
  sleep 0.05
done
if [ "$FAIL" = "$name" ]; then echo "$name: a problem in some/file.ts" >&2; exit 2; fi
`;
const JEST = `#!/bin/sh
touch "$MARKS/jest.ran"
`;

async function npmTest(fail?: string) {
  const dir = tempDir('egov-run-');
  const bin = join(dir, 'bin');
  const marks = join(dir, 'marks');
  mkdirSync(bin);
  mkdirSync(marks);
  for (const [name, script] of [['tsc', CHECK], ['eslint', CHECK], ['jest', JEST]] as const) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, MARKS: marks, TMPDIR: dir, FAIL: fail ?? '', NODE_OPTIONS: '' };
  const run = await runToEnd(process.execPath, [join(repoRoot, 'test', 'run.ts')], { cwd: repoRoot, env });
  return { ...run, started: (name: string) => existsSync(join(marks, `${name}.started`)), jestRan: existsSync(join(marks, 'jest.ran')) };
}

describe('npm test', () => {
  it('runs both type checks and the lint at once, then jest', async () => {
    const run = await npmTest();
    expect(run.output).not.toContain('did not start alongside');
    expect(run.code).toBe(0);
    expect(['tsc', 'tsc-portal', 'eslint'].filter((name) => run.started(name))).toEqual(['tsc', 'tsc-portal', 'eslint']);
    expect(run.jestRan).toBe(true);
  });

  it("fails with a failing check's output and runs no test", async () => {
    const run = await npmTest('eslint');
    expect(run.code).toBe(2);
    expect(run.output).toContain('eslint: a problem in some/file.ts');
    expect(run.jestRan).toBe(false);
  });
});
