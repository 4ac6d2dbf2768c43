import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain JavaScript module without types, on purpose (it must run on old Node).
import { nodeProblem } from '../../../infra/local/require-node.mjs';

const script = fileURLToPath(new URL('../../../infra/local/require-node.mjs', import.meta.url));

describe('the Node version gate of npm start and npm test', () => {
  it('refuses Node 20 with a message that says what to do', () => {
    const problem = nodeProblem('20.20.2', '/usr/bin/node') as string;
    expect(problem).toMatch(/needs Node\.js 24 or newer; this is Node\.js 20\.20\.2/);
    expect(problem).toMatch(/npm ci/);
  });

  it('accepts Node 24 and newer', () => {
    expect(nodeProblem('24.0.0', 'node')).toBeUndefined();
    expect(nodeProblem('26.1.0', 'node')).toBeUndefined();
  });

  it('lets the Node running the tests through', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });
});
