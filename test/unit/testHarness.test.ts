// The integration project's stack and browser start in the background while the other projects'
// files run (test/integration/harness.ts); each integration file waits for them before it loads.
import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import { announce, settledHarness } from '../integration/harness.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

afterAll(removeTempDirs);

interface ProjectConfig {
  displayName: string;
  setupFilesAfterEnv?: string[];
  globalSetup?: string;
}
const jestConfig = async () => ((await import(join(repoRoot, 'jest.config.js'))) as { default: { projects: ProjectConfig[] } }).default;

describe("the integration project's stack and browser, started in the background", () => {
  it('are awaited by every integration file before it loads', async () => {
    const integration = (await jestConfig()).projects.find((project) => project.displayName === 'integration');
    expect(integration?.globalSetup).toBe('<rootDir>/test/integration/globalSetup.ts');
    expect(integration?.setupFilesAfterEnv).toContain('<rootDir>/test/integration/awaitHarness.ts');
  });

  it('are waited for until the setup announces them', async () => {
    const file = join(tempDir('egov-harness-'), 'harness.json');
    // Its first look finds nothing (it looks at once, before this returns); the announcement comes later.
    const settled = settledHarness(file, 60_000);
    announce(file, { ready: true, browserEndpoint: 'ws://127.0.0.1:1/devtools' });
    await expect(settled).resolves.toEqual({ ready: true, browserEndpoint: 'ws://127.0.0.1:1/devtools' });
  });

  it("hand a failed start's own reason to the files waiting", async () => {
    const file = join(tempDir('egov-harness-'), 'harness.json');
    announce(file, { ready: false, error: 'local stack exited with code 1:\njava: not found' });
    await expect(settledHarness(file, 60_000)).resolves.toEqual({ ready: false, error: 'local stack exited with code 1:\njava: not found' });
  });

  it('give up at their deadline when the setup said nothing, naming the file', async () => {
    const file = join(tempDir('egov-harness-'), 'harness.json');
    await expect(settledHarness(file, 100)).rejects.toThrow(`timed out waiting for the integration suite's local stack and browser (${file})`);
  });
});
