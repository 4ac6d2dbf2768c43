import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functions, functionsOf } from '../functions/functions.ts';
import { memorySizeOf } from '../infra/constructs/functions.ts';
import { PROJECT_ROOT } from '../infra/constructs/bundling.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { sampleOf } from '../test/support/forms.ts';
import { fileOf, sha256Of } from '../test/support/uploads.ts';
import type { Fixtures } from './memoryProbe.ts';

/**
 * Peak memory per function: each HTTP function of the table in a fresh Node process, its handler
 * imported as the local stack imports it (the source modules, against the running local stack),
 * invoked `requests` times in a row (1,000 by default) as one warm Lambda instance would be, its
 * heap bounded by the function's memory; the process's peak resident set size beside the memory the
 * stack configures for the function (infra/constructs/functions.ts), and the heap still in use after
 * a full collection at the end. Node's own baseline is a process that imports nothing.
 */

export interface MemoryResult {
  handler: string;
  requests: number;
  peakRssBytes: number;
  /** Heap in use after the requests and a full collection. */
  retainedHeapBytes: number;
  configuredMb: number;
  /** Peak RSS / configured memory. */
  share: number;
}

/**
 * One probe process. Its V8 heap may not grow beyond the function's configured memory: on this
 * machine (24 GiB) V8 would otherwise let garbage pile up for hundreds of MB before it collects,
 * which a Lambda instance with that memory never does, and the peak would measure the machine.
 */
function probe(args: string[], configuredMb: number): Promise<{ peakRssBytes: number; retainedHeapBytes: number }> {
  return new Promise((resolve, reject) => {
    const flags = ['--expose-gc', `--max-old-space-size=${configuredMb}`];
    const child = spawn(process.execPath, [...flags, join(PROJECT_ROOT, 'bench', 'memoryProbe.ts'), ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as { peakRssBytes: number; retainedHeapBytes: number }) : reject(new Error(`${args[0]} failed (exit ${code}):\n${err.slice(-2000)}`)),
    );
  });
}

function baseline(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { peakRssBytes } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'bench', 'peakRss.ts')).href)}; process.stdout.write(String(peakRssBytes()));`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(Number(out)));
  });
}

async function submission(apiUrl: string, body: string): Promise<{ caseId: string; reference: string; statusToken: string }> {
  const response = await fetch(`${apiUrl}/forms/fischereischein/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`submission answered ${response.status}: ${text}`);
  return JSON.parse(text) as { caseId: string; reference: string; statusToken: string };
}

const submitted = async (apiUrl: string, body: string): Promise<string> => (await submission(apiUrl, body)).caseId;

/** A photo through ticket, upload and scan (the stack's scanner stand-in), until it is clean: its id. */
async function cleanPhoto(apiUrl: string): Promise<string> {
  const bytes = fileOf.png(randomBytes(256));
  const ticketAnswer = await fetch(`${apiUrl}/forms/fischereischein/attachments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', size: bytes.length, sha256: sha256Of(bytes) }),
  });
  const ticket = (await ticketAnswer.json()) as { attachmentId: string; upload: { url: string; headers: Record<string, string> } };
  if (ticketAnswer.status !== 201) throw new Error(`ticket answered ${ticketAnswer.status}`);
  const put = await fetch(ticket.upload.url, { method: 'PUT', headers: ticket.upload.headers, body: bytes });
  if (put.status !== 200) throw new Error(`upload answered ${put.status}: ${await put.text()}`);
  for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const status = (await (await fetch(`${apiUrl}/forms/fischereischein/attachments/${ticket.attachmentId}`)).json()) as { status: string };
    if (status.status === 'clean') return ticket.attachmentId;
    if (status.status === 'rejected') throw new Error('the bench photo was rejected');
  }
  throw new Error('the bench photo was not scanned in 30 s');
}

/** The HTTP functions bench/memoryProbe.ts has requests for (its `eventFor` cases); the others are listed as not measured. */
const PROBED = new Set([
  'listForms', 'getForm', 'submit', 'listCases', 'getCase', 'listEvents', 'updateCase', 'openapi',
  'attachmentTicket', 'attachmentStatus', 'downloadAttachment', 'getStatus', 'getAccesses', 'exportCases',
]);

export async function peakMemory(options: { stack: StackInfo; requests: number; log: (line: string) => void }): Promise<{ nodeBaselineBytes: number; functions: MemoryResult[]; notMeasured: string[] }> {
  const sample = sampleOf('fischereischein');
  const body = JSON.stringify({ data: sample });
  const exportFrom = new Date().toISOString();
  const read = await submission(options.stack.apiUrl, body);
  const attachmentId = await cleanPhoto(options.stack.apiUrl);
  const fileCaseId = await submitted(options.stack.apiUrl, JSON.stringify({ data: { ...sample, photo: attachmentId } }));
  // The export covers the cases made here, not the ones the submit probe makes (1,000 > its limit).
  const exportTo = new Date().toISOString();
  const fixtures: Fixtures = { attachmentId, fileCaseId, reference: read.reference, statusToken: read.statusToken, exportFrom, exportTo };
  const results: MemoryResult[] = [];
  const notMeasured: string[] = [];
  for (const { name, trigger, needs, memoryMb } of functionsOf(functions)) {
    if (trigger.kind !== 'http') continue;
    if (!PROBED.has(name)) {
      notMeasured.push(name);
      options.log(`  ${name}: not measured (bench/memoryProbe.ts has no requests for it yet)`);
      continue;
    }
    // updateCase changes a case of its own, so that its versions are known to the probe.
    const changeCase = name === 'updateCase' ? await submitted(options.stack.apiUrl, body) : '';
    const configuredMb = memorySizeOf(needs, memoryMb);
    const { peakRssBytes, retainedHeapBytes } = await probe([name, String(options.requests), read.caseId, changeCase, body, JSON.stringify(fixtures)], configuredMb);
    results.push({ handler: name, requests: options.requests, peakRssBytes, retainedHeapBytes, configuredMb, share: peakRssBytes / (configuredMb * 1024 * 1024) });
    options.log(`  ${name}: peak RSS ${(peakRssBytes / 1048576).toFixed(0)} MB of ${configuredMb} MB, ${(retainedHeapBytes / 1048576).toFixed(1)} MB heap retained`);
  }
  return { nodeBaselineBytes: await baseline(), functions: results, notMeasured };
}
