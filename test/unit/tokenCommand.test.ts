// `npm run token` (infra/scripts/token.ts) as a developer runs it: its usage on a missing argument,
// and its warnings about offices without a form, read from the forms catalogue and the stage file.
// Apart from commands.test.ts (every script's --help), so that publishing.test.ts, which runs the
// form-dependent suites again with a new form, reruns these and not every script's --help.
import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadStageConfig, officeIds } from '../../infra/config.ts';
import { repoRoot } from '../../infra/local/paths.ts';
import { formCatalogue } from '../support/forms.ts';
import { runNpmScript } from '../support/processes.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

afterAll(removeTempDirs);

/** Where the token would be minted: removed after each run (minting creates the local user pool key). */
const dataDir = join(tempDir('egov-token-'), 'data');

const runToken = (args: string[], env: Record<string, string> = {}) =>
  runNpmScript('token', args, { cwd: repoRoot, env: { ...process.env, LOCAL_DATA_DIR: dataDir, PORT: '0', NODE_OPTIONS: '', ...env }, killAfterMs: 40_000 });

describe('npm run token', () => {
  it('prints its usage once, on stderr, with exit 2 when an argument is missing', async () => {
    const run = await runToken(['--sub', 'alice']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.match(/^usage: /gm)).toHaveLength(1);
    expect(run.stderr).toMatch(/^--office is required$/m);
  });

  it('warns on stderr when an office has no form in the catalogue, and still prints the token alone on stdout', async () => {
    const run = await runToken(['--sub', 'alice', '--office', 'ordnungsamt', '--office', 'bauamt']);
    rmSync(dataDir, { recursive: true, force: true }); // minting creates the local user pool key
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(run.stderr).toMatch(/^warning: no form in the catalogue .* belongs to office "bauamt"/m);
    expect(run.stderr).not.toMatch(/"ordnungsamt"/);
  });

  it('warns about an office whose forms the stage file STAGE names does not offer', async () => {
    const town = loadStageConfig((key) => (key === 'stage' ? 'stadt-bensheim-dev' : undefined));
    const office = formCatalogue().offices().find((candidate) => !officeIds(town).includes(candidate))!;
    const run = await runToken(['--sub', 'alice', '--office', office], { STAGE: town.name });
    rmSync(dataDir, { recursive: true, force: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^warning: no form in the catalogue of stage ${town.name} .* belongs to office "${office}"`, 'm'));
  });
});
