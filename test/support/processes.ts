import { spawn } from 'node:child_process';

/** Runs a command to its end and hands back its exit code and its stdout and stderr, interleaved. */
export function runToEnd(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** One `npm run` of a script: its exit code, its stdout and stderr apart, and how long it took. */
export interface NpmRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

/** `npm run -s <script> -- <args>` in the repository, killed after `killAfterMs` should it hang. */
export function runNpmScript(script: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; killAfterMs: number }): Promise<NpmRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(npm[0]!, [...npm.slice(1), 'run', '-s', script, '--', ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}
