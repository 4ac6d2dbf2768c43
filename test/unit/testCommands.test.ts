// The test commands as a developer uses them (README, "Running tests"): `npm run test:unit -- <path>`
// runs that path alone, and a jest run with failures names the failing files and tests at its end.
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../infra/local/paths.ts';
import { runToEnd } from '../support/processes.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

afterAll(removeTempDirs);

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const REPORTER = fileURLToPath(new URL('../support/quietReporter.ts', import.meta.url));

const run = (command: string[], env: NodeJS.ProcessEnv = {}) => runToEnd(command[0]!, command.slice(1), { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '', ...env } });

describe('npm run test:unit|test:integration|test:infra -- <path>', () => {
  it.each([
    ['test:unit', 'test/unit/http/edge.test.ts'],
    ['test:integration', 'test/integration/status.test.ts'],
    ['test:infra', 'test/infra/mail.test.ts'],
  ])('%s runs only the path given', async (script, path) => {
    // Jest keeps its cache in TMPDIR: a dir of this test's own, removed with the others.
    const { code, output } = await run([...npm, 'run', '-s', script, '--', path, '--listTests'], { TMPDIR: tempDir('egov-jest-') });
    expect(code).toBe(0);
    const listed = output.split('\n').filter((line) => line.endsWith('.test.ts'));
    expect(listed.map((file) => relative(repoRoot, file))).toEqual([path]);
  });
});

describe('a jest run with failures', () => {
  it('uses the reporter that names them', async () => {
    const config = join(repoRoot, 'jest.config.js');
    const { default: jestConfig } = (await import(config)) as { default: { reporters: unknown[] } };
    expect(jestConfig.reporters).toContain('<rootDir>/test/support/quietReporter.ts');
  });

  it('names every failing file and test at its end, below all log lines, and no passing one', async () => {
    const dir = tempDir('egov-reporter-');
    const noise = Array.from({ length: 200 }, (_, n) => `log line ${n}`).join('\\n');
    writeFileSync(join(dir, 'breaks.check.cjs'), `test('adds up', () => { console.log('${noise}'); expect(1 + 1).toBe(3); });\ntest('holds', () => {});\n`);
    writeFileSync(join(dir, 'holds.check.cjs'), `test('holds too', () => { console.log('quiet'); });\n`);
    writeFileSync(join(dir, 'broken.check.cjs'), `throw new Error('cannot load');\n`);
    const config = { rootDir: dir, testMatch: ['<rootDir>/*.check.cjs'], reporters: [REPORTER, 'summary'], transform: {}, cacheDirectory: join(dir, '.cache') };
    const { code, output } = await run([process.execPath, join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', JSON.stringify(config)], { TMPDIR: dir });
    expect(code).toBe(1);
    const list = output.slice(output.lastIndexOf('log line 199'));
    expect(list.slice(list.indexOf('Failing test files'), list.indexOf('Test Suites:')).trim()).toBe(
      ['Failing test files (2):', '  FAIL breaks.check.cjs', '    ✕ adds up', '  FAIL broken.check.cjs', '    ✕ (the file did not run: cannot load)'].join('\n'),
    );
  });
});
