import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import { mintToken } from '../../infra/local/tokens.ts';
import { spawnStack } from '../support/localStack.ts';
import { until } from '../support/waiting.ts';
import { fishingLicence } from '../support/submissions.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

const startScript = join(repoRoot, 'infra/local/start.ts');
afterAll(removeTempDirs);

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('npm start (infra/local/start.ts)', () => {
  it('refuses to start on a malformed form definition, naming the file', () => {
    const forms = tempDir('egov-forms-');
    cpSync(join(repoRoot, 'schemas/forms'), forms, { recursive: true });
    mkdirSync(join(forms, 'kaputt'));
    writeFileSync(join(forms, 'kaputt', 'v1.json'), '{ "id": "kaputt", ');
    const run = spawnSync(process.execPath, [startScript], {
      env: { ...process.env, NODE_OPTIONS: '', FORMS_DIR: forms, LOCAL_DATA_DIR: tempDir('egov-data-'), PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(forms, 'kaputt', 'v1.json'));
    expect(run.stdout).not.toContain('listening on');
  });

  it('says how to install Java when it is missing', () => {
    const run = spawnSync(process.execPath, [startScript], {
      env: { ...process.env, NODE_OPTIONS: '', PATH: '/nonexistent', LOCAL_DATA_DIR: tempDir('egov-data-'), PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Java 17/);
    expect(run.stderr).toMatch(/apt-get install openjdk-17/);
  });

  it('keeps data across a restart, publishes a dropped-in form, and leaves no child process behind', async () => {
    const dataDir = tempDir('egov-data-');
    const forms = tempDir('egov-forms-');
    cpSync(join(repoRoot, 'schemas/forms'), forms, { recursive: true });
    const env = { LOCAL_DATA_DIR: dataDir, FORMS_DIR: forms };

    const first = await spawnStack(env);
    const { data, marker } = fishingLicence();
    const submitted = await fetch(`${first.info.apiUrl}/forms/fischereischein/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    expect(submitted.status).toBe(201);
    const { caseId } = (await submitted.json()) as { caseId: string };
    const children = childrenOf(first.child.pid!);
    expect(children.length).toBeGreaterThan(0); // DynamoDB Local's JVM
    expect(await first.stop()).toBe(0);
    expect(children.filter(alive)).toEqual([]);
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);

    // A new form version dropped into schemas/forms is published by a restart, no code change.
    const v1 = JSON.parse(readFileSync(join(forms, 'wohngeld', 'v1.json'), 'utf8')) as Record<string, unknown>;
    mkdirSync(join(forms, 'wohngeld-test'));
    writeFileSync(join(forms, 'wohngeld-test', 'v1.json'), JSON.stringify({ ...v1, id: 'wohngeld-test', version: 1 }));

    const second = await spawnStack(env);
    try {
      const list = (await (await fetch(`${second.info.apiUrl}/forms`)).json()) as { items: { id: string }[] };
      expect(list.items.map((item) => item.id)).toContain('wohngeld-test');
      const token = await mintToken(dataDir, { sub: 'alice', offices: ['ordnungsamt'] });
      const read = await fetch(`${second.info.apiUrl}/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { data: { applicant: { familyName: string } } }).data.applicant.familyName).toBe(marker);
    } finally {
      const children2 = childrenOf(second.child.pid!);
      second.child.kill('SIGINT');
      expect(await second.stop()).toBe(0);
      expect(children2.filter(alive)).toEqual([]);
    }
  }, 120_000);

  it('stops every child process when signalled while still starting', async () => {
    const child = spawn(process.execPath, [startScript], {
      env: { ...process.env, NODE_OPTIONS: '', LOCAL_DATA_DIR: tempDir('egov-data-'), PORT: '0' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const cmdline = (pid: number): string => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        return '';
      }
    };
    let jvm: number[] = [];
    let port = Number.NaN;
    for (let i = 0; i < 1500 && Number.isNaN(port); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      jvm = childrenOf(child.pid!).filter((pid) => cmdline(pid).includes('DynamoDBLocal'));
      port = Number(/-port (\d+)/.exec(cmdline(jvm[0] ?? 0))?.[1]);
    }
    expect(jvm.length).toBeGreaterThan(0);
    // Wait until DynamoDB Local answers (its banner is out, so a dead parent no longer takes it
    // down through a broken pipe) while the stack is still creating tables and loading handlers.
    let answered = false;
    for (let i = 0; i < 1500 && !answered; i++) {
      answered = await fetch(`http://127.0.0.1:${port}`).then(() => true, () => false);
      if (!answered) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(answered).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(jvm.filter(alive)).toEqual([]);
  }, 60_000);

  it('keeps key material and the signing key readable by the owner only', () => {
    const { dataDir } = JSON.parse(readFileSync(process.env.EGOV_STACK_FILE!, 'utf8')) as { dataDir: string };
    for (const file of ['kms/keys.json', 'user-pool-keys.json']) {
      const mode = spawnSync('stat', ['-c', '%a', join(dataDir, file)], { encoding: 'utf8' }).stdout.trim();
      expect(mode).toBe('600');
    }
  });
});

describe('Ctrl-C on npm start', () => {
  it('stops cleanly with work in flight: the terminal signals the whole process group, and nothing alarming is logged', async () => {
    // As a terminal runs it: a process group of its own, which Ctrl-C signals as a whole (the
    // JVM included, unless the stack keeps it out of the terminal's reach and stops it last).
    const dataDir = tempDir('egov-data-');
    const child = spawn(process.execPath, [startScript], {
      env: { ...process.env, NODE_OPTIONS: '', LOCAL_DATA_DIR: dataDir, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until('the stack to listen', () => (/listening on http/.test(output) ? true : undefined), 120_000);
      const { apiUrl } = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { apiUrl: string };
      const jvm = childrenOf(child.pid!);
      // Submissions keep coming, so stream records and queue messages are in the workers' hands
      // when the signal comes (those sent after it may fail: the gateway is closing).
      const statuses: number[] = [];
      let signalled = false;
      const submitting = Promise.all(
        [0, 1].map(async () => {
          while (!signalled) {
            const body = JSON.stringify({ data: fishingLicence().data });
            const answer = await fetch(`${apiUrl}/forms/fischereischein/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => undefined);
            if (answer === undefined) return;
            if (!signalled) statuses.push(answer.status);
          }
        }),
      );
      const stored = () => statuses.filter((status) => status === 201).length;
      await until('ten stored submissions', () => (stored() >= 10 ? true : undefined), 120_000);
      signalled = true;
      process.kill(-child.pid!, 'SIGINT');
      await submitting;
      expect(await exited).toBe(0);
      expect(output.slice(output.indexOf('SIGINT: stopping')).trim()).toBe('SIGINT: stopping');
      expect(jvm.filter(alive)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 180_000);
});
