import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { functions, functionsOf } from '../functions/functions.ts';
import { memorySizeOf } from '../infra/constructs/functions.ts';
import { PROJECT_ROOT } from '../infra/constructs/bundling.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { sampleOf } from '../test/support/forms.ts';

/**
 * Peak memory per function: each HTTP function of the table in a fresh Node process, its handler
 * imported as the local stack imports it (the source modules, against the running local stack),
 * invoked `requests` times in a row (1,000 by default) as one warm Lambda instance would be; the
 * process's peak resident set size beside the memory the stack configures for the function
 * (infra/constructs/functions.ts). Node's own baseline is a process that imports nothing.
 */

export interface MemoryResult {
  handler: string;
  requests: number;
  peakRssBytes: number;
  configuredMb: number;
  /** Peak RSS / configured memory. */
  share: number;
}

function probe(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bench', 'memoryProbe.ts'), ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`${args[0]} failed (exit ${code}):\n${err.slice(-2000)}`))));
  });
}

function baseline(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS * 1024))'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(Number(out)));
  });
}

async function submitted(apiUrl: string, body: string): Promise<string> {
  const response = await fetch(`${apiUrl}/forms/fischereischein/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`submission answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { caseId: string }).caseId;
}

export async function peakMemory(options: { stack: StackInfo; requests: number; log: (line: string) => void }): Promise<{ nodeBaselineBytes: number; functions: MemoryResult[] }> {
  const body = JSON.stringify({ data: sampleOf('fischereischein') });
  const readCase = await submitted(options.stack.apiUrl, body);
  const results: MemoryResult[] = [];
  for (const { name, trigger, needs } of functionsOf(functions)) {
    if (trigger.kind !== 'http') continue;
    // updateCase changes a case of its own, so that its versions are known to the probe.
    const changeCase = name === 'updateCase' ? await submitted(options.stack.apiUrl, body) : '';
    const peakRssBytes = await probe([name, String(options.requests), readCase, changeCase, body]);
    const configuredMb = memorySizeOf(needs);
    results.push({ handler: name, requests: options.requests, peakRssBytes, configuredMb, share: peakRssBytes / (configuredMb * 1024 * 1024) });
    options.log(`  ${name}: peak RSS ${(peakRssBytes / 1048576).toFixed(0)} MB of ${configuredMb} MB`);
  }
  return { nodeBaselineBytes: await baseline(), functions: results };
}
