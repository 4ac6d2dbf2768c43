import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import type { StackInfo } from '../../infra/local/stack.ts';

export interface RunningStack {
  child: ChildProcess;
  info: StackInfo;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Runs `infra/local/start.ts` (what `npm start` runs) as a child process and waits for its `listening on` line. */
export async function spawnStack(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningStack> {
  const child = spawn(process.execPath, [join(repoRoot, 'infra/local/start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Stop it, or the half-started stack (and its DynamoDB Local) outlives the test run.
      child.kill('SIGTERM');
      reject(new Error(`local stack did not start in time:\n${output}`));
    }, timeoutMs);
    const check = (): void => {
      if (/listening on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with code ${code}:\n${output}`));
    });
  });
  const dir = env.LOCAL_DATA_DIR ?? join(repoRoot, '.local');
  const info = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as StackInfo;
  return {
    child,
    info,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
