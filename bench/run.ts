import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIST_SHARDS } from '#lib/cases/tables.ts';
import { PROJECT_ROOT } from '../infra/constructs/bundling.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { callsPerOperation, type Clients, type CallsResult } from './calls.ts';
import { clerkPaths, type ClerkPathsResult, type Handler, type Handlers } from './clerkPaths.ts';
import { auditChainBench, type AuditChainResult } from './auditChain.ts';
import { coldStart, type ColdStartResult } from './coldStart.ts';
import { exportBench, type ExportResult } from './export.ts';
import { deliveryBench, type DeliveryBenchResult } from './delivery.ts';
import { attachmentsBench, type AttachmentsResult } from './attachments.ts';
import { requestCpu, type RequestCpuResult } from './requestCpu.ts';
import { peakMemory, type MemoryResult } from './memory.ts';
import type { PortalBenchResult } from './portal.ts';
import { fmt, ratioText, type Spread } from './stats.ts';
import { throughput, type ThroughputResult } from './throughput.ts';

/**
 * `npm run bench [-- --quick] [-- coldStart requestCpu throughput clerkPaths calls]`: runs the
 * benchmarks (all by default), prints one Markdown table per benchmark and writes
 * bench/results.json. Never part of `npm test`.
 */

const BENCHMARKS = ['coldStart', 'requestCpu', 'throughput', 'clerkPaths', 'auditChain', 'calls', 'memory', 'export', 'delivery', 'attachments', 'portal'];
const USAGE = `usage: npm run bench [-- --quick] [-- ${BENCHMARKS.join(' ')}]

Runs the benchmarks named (all by default; several minutes, --quick for fewer rounds), prints one
Markdown table per benchmark and writes bench/results.json. Never part of \`npm test\`.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((arg) => arg !== '--quick' && !BENCHMARKS.includes(arg));
if (unknown.length > 0) {
  console.error(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
  process.exit(2);
}
const quick = args.includes('--quick');
const only = args.filter((arg) => !arg.startsWith('--'));
const wanted = (name: string): boolean => only.length === 0 || only.includes(name);
const log = (line: string): void => console.error(line);

const TARGETS = {
  init: 1.3,
  publicInit: 2,
  bundle: 1.5,
  throughput: 0.6,
  throughputWrites: 0.8,
  validation: 1.1,
  list: 1.5,
  read: 1.5,
  readSequence: 1.3,
  auditChain: 1.05,
  export: 1.5,
  delivery: 0.8,
  portal: { performance: 95, accessibility: 100, bestPractices: 100, scriptAndStyleKiB: 60 },
} as const;

interface Results {
  startedAt: string;
  machine: { node: string; cpus: number; loadAverageAtStart: number[] };
  quick: boolean;
  targets: typeof TARGETS;
  coldStart?: ColdStartResult[];
  requestCpu?: RequestCpuResult[];
  throughput?: ThroughputResult[];
  clerkPaths?: ClerkPathsResult;
  auditChain?: AuditChainResult;
  calls?: CallsResult[];
  memory?: { nodeBaselineBytes: number; functions: MemoryResult[]; notMeasured: string[] };
  export?: ExportResult;
  delivery?: DeliveryBenchResult;
  attachments?: AttachmentsResult;
  portal?: PortalBenchResult;
}

const results: Results = {
  startedAt: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))) },
  quick,
  targets: TARGETS,
};

if (wanted('coldStart')) {
  log('cold start …');
  results.coldStart = await coldStart({ runs: quick ? 5 : 21, log });
}
if (wanted('requestCpu')) {
  log('per-request CPU …');
  results.requestCpu = await requestCpu({ rounds: quick ? 11 : 41, sampleMs: 25, log });
}

if (wanted('throughput') || wanted('clerkPaths') || wanted('auditChain') || wanted('calls') || wanted('memory') || wanted('export') || wanted('delivery') || wanted('attachments') || wanted('portal')) {
  const dataDir = mkdtempSync(join(tmpdir(), 'egov-bench-'));
  log('starting a local stack (DynamoDB Local, local KMS, gateway) …');
  // Without the stream and queue workers: in AWS they do not share the routes' CPU.
  const stack = await startLocalStack({ dataDir, port: 0, workers: false });
  try {
    // The modules the gateway serves (same URLs, so the same instances and the same SDK clients).
    const clients = (await import('#lib/runtime/clients.ts')) as Clients;
    const load = async (name: string) => ((await import(`../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
    const handlers: Handlers = { submit: await load('submit'), listCases: await load('listCases'), getCase: await load('getCase'), updateCase: await load('updateCase') };
    if (wanted('throughput')) {
      log('submission throughput …');
      results.throughput = await throughput({ stack: stack.info, dynamodb: clients.dynamodb, rounds: quick ? 5 : 9, requests: 100, concurrency: 8, log });
    }
    if (wanted('clerkPaths')) {
      log('clerk paths …');
      results.clerkPaths = await clerkPaths({ stack: stack.info, ...clients, handlers, cases: 10_000, pairs: quick ? 7 : 21, callsPerSample: 5, log });
    }
    if (wanted('auditChain')) {
      log('audit chain …');
      results.auditChain = await auditChainBench({ stack: stack.info, ...clients, handlers, pairs: quick ? 7 : 21, callsPerSample: 5, log });
    }
    if (wanted('calls')) {
      log('calls per operation …');
      results.calls = await callsPerOperation({ clients, handlers });
    }
    if (wanted('memory')) {
      log('peak memory per function …');
      results.memory = await peakMemory({ stack: stack.info, requests: quick ? 100 : 1000, log });
    }
    if (wanted('export')) {
      log('export …');
      results.export = await exportBench({
        stack: stack.info,
        dynamodb: clients.dynamodb,
        kms: clients.kms,
        submit: handlers.submit,
        exportCases: await load('exportCases'),
        cases: quick ? 200 : 1000,
        pairs: quick ? 3 : 7,
        log,
      });
    }
    if (wanted('delivery')) {
      log('delivery …');
      results.delivery = await deliveryBench({
        stack: stack.info,
        dynamodb: clients.dynamodb,
        kms: clients.kms,
        submit: handlers.submit,
        pairs: quick ? 3 : 9,
        perRound: quick ? 10 : 40,
        fileBytes: 256 * 1024,
        log,
      });
    }
    if (wanted('attachments')) {
      log('attachment ticket …');
      results.attachments = await attachmentsBench({
        stack: stack.info,
        dynamodb: clients.dynamodb,
        kms: clients.kms,
        attachmentTicket: await load('attachmentTicket'),
        pairs: quick ? 7 : 21,
        callsPerSample: 5,
        log,
      });
    }
    if (wanted('portal')) {
      log('Lighthouse on the portal and the console …');
      // Imported here: Lighthouse is a large module graph the other benchmarks (and --help) do without.
      const { portalBench } = await import('./portal.ts');
      results.portal = await portalBench({ stack: stack.info, runs: quick ? 3 : 5, log });
    }
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- the tables ---------------------------------------------------------------------------

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const holds = (ok: boolean): string => (ok ? '✓' : '✗');
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
const pct = (ratio: Spread): string => ratioText(ratio);
const sections: string[] = [];

if (results.coldStart) {
  // A function that needs no SDK client is measured against an empty handler: its target is its own.
  const initTarget = (r: ColdStartResult): number => (r.clients.length === 0 ? TARGETS.publicInit : TARGETS.init);
  const rows = results.coldStart.map((r) => [
    r.handler,
    r.clients.join(' + ') || '–',
    `${kib(r.bundleBytes)} / ${kib(r.floorBundleBytes)}`,
    `${fmt(r.sizeRatio)}× ${r.clients.length === 0 ? '' : holds(r.sizeRatio <= TARGETS.bundle)}`,
    `${fmt(r.init.subject, 1)} / ${fmt(r.init.floor, 1)} ms`,
    `${pct(r.init.ratio)} ${holds(r.init.ratio.median <= initTarget(r))}`,
  ]);
  const families = ['AWS SDK', 'zod', 'Ajv', 'Powertools', 'middy', 'own code'];
  const composition = results.coldStart.map((r) => {
    const other = Object.entries(r.composition).filter(([family]) => !families.includes(family)).reduce((sum, [, bytes]) => sum + bytes, 0);
    return [r.handler, ...families.map((family) => kib(r.composition[family] ?? 0)), kib(other)];
  });
  sections.push(
    `### Cold start (targets: bundle ≤ ${TARGETS.bundle}× floor, init ≤ ${TARGETS.init}× floor; functions without SDK clients init ≤ ${TARGETS.publicInit}× the empty handler)\n\n` +
      table(['function', 'floor imports', 'bundle / floor', 'bundle ratio', 'init median / floor', 'init ratio (p25–p75, n)'], rows) +
      '\n\nBundle bytes by package (from the bundle\'s source map):\n\n' +
      table(['function', ...families, 'other'], composition) +
      results.coldStart
        .flatMap((r) =>
          r.firstCheck
            ? [
                `\n\n${r.handler}'s definitions and generated checks are read per form version on first use; init plus the definition and first-failure check of the version with the largest one ` +
                  `(${r.firstCheck.file}, ${kib(r.firstCheck.bytes)}): ${fmt(r.firstCheck.init.subject, 1)} / ${fmt(r.firstCheck.init.floor, 1)} ms, ` +
                  `${pct(r.firstCheck.init.ratio)} the floor.`,
              ]
            : [],
        )
        .join(''),
  );
}

if (results.requestCpu) {
  const rows = results.requestCpu.map((r) => [
    r.form,
    `${fmt(r.submitMicros.median, 0)} µs (${fmt(r.submitMicros.p25, 0)}–${fmt(r.submitMicros.p75, 0)}, n=${r.submitMicros.n})`,
    `${fmt(r.validation.subject, 2)} / ${fmt(r.validation.floor, 2)} µs`,
    `${pct(r.validation.ratio)} ${holds(r.validation.ratio.median <= TARGETS.validation)}`,
    r.walksValidData ? 'yes' : 'no (bounded by its schema)',
  ]);
  sections.push(
    `### Per-request CPU, I/O answered instantly, validators generated as standalone code (target: validation ≤ ${TARGETS.validation}× raw Ajv)\n\n` +
      table(['form', 'submit handler per request (p25–p75)', 'validate / raw Ajv', 'validation ratio (p25–p75, n)', 'structural walk on valid data'], rows),
  );
}

if (results.throughput) {
  const rows = results.throughput.map((r) => [
    r.variant,
    `${fmt(r.rate.subject, 0)} / ${fmt(r.rate.floor, 0)} per s`,
    `${pct(r.rate.ratio)} ${holds(r.rate.ratio.median >= TARGETS.throughput)}`,
    r.writes,
    `${fmt(r.writesRate.subject, 0)} / ${fmt(r.writesRate.floor, 0)} per s`,
    `${pct(r.writesRate.ratio)} ${holds(r.writesRate.ratio.median >= TARGETS.throughputWrites)}`,
  ]);
  const first = results.throughput[0]!;
  sections.push(
    `### Submission throughput, concurrency ${first.concurrency}, ${first.requestsPerRound} requests per sample (targets: ≥ ${TARGETS.throughput}× raw PutItem of a ${first.itemBytes}-byte item, ≥ ${TARGETS.throughputWrites}× the same writes raw)\n\n` +
      table(['path', 'submissions / PutItems', 'ratio (p25–p75, n)', 'the same writes raw', 'submissions / raw writes', 'ratio (p25–p75, n)'], rows),
  );
}

if (results.clerkPaths) {
  const { list, listShards, shardsInParallel, perShard, read, readSequence, seededCases, callsPerSample } = results.clerkPaths;
  sections.push(
    `### Clerk paths over ${seededCases.toLocaleString('en')} cases, mean of ${callsPerSample} calls per sample (targets: list ≤ ${TARGETS.list}× one Query and ≤ ${TARGETS.list}× its shard Queries in parallel, read ≤ ${TARGETS.readSequence}× its raw sequence)\n\n` +
      table(
        ['path', 'subject / floor', 'ratio (p25–p75, n)'],
        [
          ['list, first page of 25 vs one Query of 25', `${fmt(list.subject)} / ${fmt(list.floor)} ms`, `${pct(list.ratio)} ${holds(list.ratio.median <= TARGETS.list)}`],
          [`list, first page of 25 vs its ${LIST_SHARDS} shard Queries of ${perShard} in parallel (raw)`, `${fmt(listShards.subject)} / ${fmt(listShards.floor)} ms`, `${pct(listShards.ratio)} ${holds(listShards.ratio.median <= TARGETS.list)}`],
          [`(DynamoDB Local) ${LIST_SHARDS} shard Queries in parallel vs the same one after another`, `${fmt(shardsInParallel.subject)} / ${fmt(shardsInParallel.floor)} ms`, pct(shardsInParallel.ratio)],
          ['case read (3 notes) vs Query, then Decrypt ∥ PutItem', `${fmt(readSequence.subject)} / ${fmt(readSequence.floor)} ms`, `${pct(readSequence.ratio)} ${holds(readSequence.ratio.median <= TARGETS.readSequence)}`],
          ['case read (3 notes) vs GetItem + Decrypt (first round\'s floor, for continuity)', `${fmt(read.subject)} / ${fmt(read.floor)} ms`, `${pct(read.ratio)} ${holds(read.ratio.median <= TARGETS.read)}`],
        ],
      ),
  );
}

if (results.auditChain) {
  const { read, firstRead, callsPerSample } = results.auditChain;
  sections.push(
    `### What the audit hash chain adds to a case read, mean of ${callsPerSample} calls per sample (target: ≤ ${TARGETS.auditChain}×)\n\n` +
      table(
        ['path', 'subject / floor', 'ratio (p25–p75, n)'],
        [
          ['case read (3 notes), case.viewed chained (conditional PutItem after the known head) vs unchained (conditional PutItem)', `${fmt(read.subject)} / ${fmt(read.floor)} ms`, `${pct(read.ratio)} ${holds(read.ratio.median <= TARGETS.auditChain)}`],
          ['first read by an instance (head Query alongside the load), for information', `${fmt(firstRead.subject)} / ${fmt(firstRead.floor)} ms`, pct(firstRead.ratio)],
        ],
      ),
  );
}

if (results.calls) {
  const expectedKms: Record<string, number> = { submit: 1, 'case read': 1, list: 0 };
  const rows = results.calls.map(({ operation, ms, calls }) => {
    const expected = Object.entries(expectedKms).find(([prefix]) => operation.startsWith(prefix))?.[1];
    const describe = (list: { command: string; ms: number }[]) =>
      list.length === 0 ? '0' : `${list.length} (${list.map(({ command, ms }) => `${command} ${fmt(ms, 1)} ms`).join(', ')})`;
    return [operation, `${fmt(ms, 1)} ms`, `${describe(calls.kms)} ${expected === undefined ? '' : holds(calls.kms.length === expected)}`, describe(calls.dynamodb), describe(calls.secretsManager)];
  });
  sections.push('### Calls per operation (warm container, handlers in-process; medians of 5 runs)\n\n' + table(['operation', 'whole operation', 'KMS', 'DynamoDB', 'Secrets Manager'], rows));
}

if (results.memory) {
  const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
  const rows = results.memory.functions.map((r) => [
    r.handler,
    mb(r.peakRssBytes),
    `${r.configuredMb} MB`,
    `${(r.share * 100).toFixed(0)} %`,
    `${(r.retainedHeapBytes / 1048576).toFixed(1)} MB`,
  ]);
  sections.push(
    `### Peak memory per function over ${results.memory.functions[0]?.requests ?? 0} requests (one process per function, heap bounded by the configured memory; Node alone: ${mb(results.memory.nodeBaselineBytes)})\n\n` +
      table(['function', 'peak RSS', 'configured Lambda memory', 'share', 'heap retained after a full GC'], rows) +
      (results.memory.notMeasured.length > 0 ? `\n\nNot measured (bench/memoryRequests.ts has no requests for them yet): ${results.memory.notMeasured.join(', ')}.` : ''),
  );
}
if (results.export) {
  const { cases, concurrency, csvBytes, steps, comparison } = results.export;
  sections.push(
    `### Export of ${cases.toLocaleString('en')} cases, ${concurrency} at a time (target: ≤ ${TARGETS.export}× its raw steps at the same concurrency)\n\n` +
      table(
        ['path', 'subject / floor', 'ratio (p25–p75, n)', 'CSV'],
        [
          [`GET /cases/export vs its raw steps (range Queries; per case Query ∥ head Query, Decrypt, PutItem; CSV)`, `${fmt(steps.subject)} / ${fmt(steps.floor)} ms`, `${pct(steps.ratio)} ${holds(steps.ratio.median <= TARGETS.export)}`, kib(csvBytes)],
          [`GET /cases/export vs ${cases} Decrypts (first floor, for continuity)`, `${fmt(comparison.subject)} / ${fmt(comparison.floor)} ms`, pct(comparison.ratio), kib(csvBytes)],
        ],
      ),
  );
}

if (results.delivery) {
  const { deliveriesPerRound, concurrency, fileBytes, bodyBytes, steps, comparison } = results.delivery;
  sections.push(
    `### Delivery, ${deliveriesPerRound} cases per sample, ${concurrency} at a time, one ${kib(fileBytes)} PDF each, a ${kib(bodyBytes)} body (target: ≥ ${TARGETS.delivery}× its raw steps at the same concurrency)\n\n` +
      table(
        ['path', 'deliveries / floor', 'ratio (p25–p75, n)'],
        [
          ['deliver worker vs its raw steps (Query; claim ∥ head Query; Decrypt; PutItem; file Decrypt ∥ GetObject; JWE, HMAC, POST; settle; PutItem)', `${fmt(steps.subject, 1)} / ${fmt(steps.floor, 1)} per s`, `${pct(steps.ratio)} ${holds(steps.ratio.median >= TARGETS.delivery)}`],
          ['deliver worker vs raw POST of its body (first floor, for continuity)', `${fmt(comparison.subject, 1)} / ${fmt(comparison.floor, 1)} per s`, pct(comparison.ratio)],
        ],
      ),
  );
}
if (results.attachments) {
  const { callsPerSample, presign, sequence } = results.attachments;
  sections.push(
    `### Attachment ticket, mean of ${callsPerSample} calls per sample (no target yet: the first floor is the presign alone, pure CPU)\n\n` +
      table(
        ['path', 'subject / floor', 'ratio (p25–p75, n)'],
        [
          ['POST /forms/{formId}/attachments vs presigning the same PUT', `${fmt(presign.subject)} / ${fmt(presign.floor, 3)} ms`, pct(presign.ratio)],
          ['POST /forms/{formId}/attachments vs GenerateDataKey, PutItem, presign (raw)', `${fmt(sequence.subject)} / ${fmt(sequence.floor)} ms`, pct(sequence.ratio)],
        ],
      ),
  );
}

if (results.portal) {
  const target = TARGETS.portal;
  const rows = results.portal.pages.map((r) => [
    `${r.app}: ${r.page}`,
    `${fmt(r.performance.median, 0)} (${fmt(r.performance.min, 0)}–${fmt(r.performance.max, 0)}) ${holds(r.performance.median >= target.performance)}`,
    `${r.accessibility} ${holds(r.accessibility >= target.accessibility)}`,
    `${r.bestPractices} ${holds(r.bestPractices >= target.bestPractices)}`,
    `${kib(r.scriptAndStyleBytes)} ${holds(r.scriptAndStyleBytes <= target.scriptAndStyleKiB * 1024)}`,
    `${fmt(r.metrics.firstContentfulPaint, 0)} / ${fmt(r.metrics.largestContentfulPaint, 0)} / ${fmt(r.metrics.totalBlockingTime, 0)} ms, ${fmt(r.metrics.cumulativeLayoutShift, 3)}`,
  ]);
  const failed = results.portal.pages.filter((r) => r.failedAudits.length > 0).map((r) => `- ${r.app}: ${r.page}: ${r.failedAudits.join('; ')}`);
  sections.push(
    `### Lighthouse, mobile profile (simulated slow 4G, 4× CPU), ${results.portal.runs} runs per page, ${results.portal.browser}, load average ${results.portal.loadAverage.start} → ${results.portal.loadAverage.end} (targets: performance ≥ ${target.performance} median, accessibility ${target.accessibility} and best practices ${target.bestPractices} in every run, JS + CSS ≤ ${target.scriptAndStyleKiB} KiB compressed)\n\n` +
      table(['page', 'performance median (min–max)', 'accessibility (lowest)', 'best practices (lowest)', 'JS + CSS transferred', 'FCP / LCP / TBT, CLS (medians)'], rows) +
      (failed.length > 0 ? `\n\nFailed audits:\n${failed.join('\n')}` : ''),
  );
}

const header = `Run ${results.startedAt} · Node ${results.machine.node} · ${results.machine.cpus} CPUs · load average at start ${results.machine.loadAverageAtStart.join(' ')}${quick ? ' · --quick' : ''}`;
console.log([header, ...sections].join('\n\n'));
const resultsFile = join(PROJECT_ROOT, 'bench', 'results.json');
writeFileSync(`${resultsFile}.tmp`, `${JSON.stringify({ ...results, tables: sections }, null, 2)}\n`);
renameSync(`${resultsFile}.tmp`, resultsFile);
log('wrote bench/results.json');
