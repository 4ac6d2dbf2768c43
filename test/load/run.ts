// `npm run test:load`: a first-day rush against the local stack. See HELP below.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dataDir as defaultDataDir } from '../../infra/local/paths.ts';
import type { StackInfo } from '../../infra/local/stack.ts';
import { mintToken } from '../../infra/local/tokens.ts';
import { classify, describe, type Operation } from './answers.ts';
import { loadForms, withMarker } from '../support/markedForms.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { countsBetween, type CallCounts } from '../../infra/local/callCounts.ts';
import { callsReport } from './calls.ts';
import { cpuReading, cpuReport, type ProcessCpu } from './cpu.ts';
import { availableParallelism } from 'node:os';

const HELP = `usage: npm run test:load [-- options]

A first-day rush: N citizens submit (each with an Idempotency-Key and a unique marker in the form
data), C at a time, while R clerks list their office's cases (following cursors) and open cases.
Like a portal, a citizen whose submission is shed (503, 429, 409 idempotency-in-progress while an
earlier attempt of the same key is still locked, or no answer within 30 s) tries again with the
same key after Retry-After, in whatever order those answers come, for up to 180 s (an
Idempotency-Key whose attempt was lost stays locked for 30 s); a clerk's tool does the same with
a read (test/load/answers.ts says which answer is which, by the contract). Then every office's cases are counted through the clerk
list API (paginated): the cases stored during the run must be exactly the acknowledged ones, each
once. Prints throughput and p50/p95/p99 latencies (per attempt, and until the final answer), the
CPU seconds of the load client, the stack's Node process and DynamoDB Local over the rush with the
load average (Linux), and, on a stack of its own, the AWS calls per submission of the routes and
of each worker (LOCAL_COUNT_CALLS, infra/local/callCounts.ts).

Exits 1 when an answer is unexpected (one the contract forbids: a submission answered anything but
201, 503, 429, 409 idempotency-in-progress; a read anything but 200, 503, 429), when a submission
or read is still shed when its retry time is up, or when the count is not exact. Answers shed
along the way are printed, not failures: shedding load is the documented answer of an
overloaded dependency. --no-retry makes every first answer final.

Which stack:
  - a running \`npm start\`, if .local/stack.json (LOCAL_DATA_DIR/stack.json) names one that answers
    GET /health: it is used as it is (tokens are minted from its data dir);
  - otherwise a stack of its own, started like \`npm start\` in a temporary data dir and removed
    afterwards (also with --own).

Options:
  --submissions N   submissions in total (default 10000)
  --concurrency C   submissions in flight at once (default 50)
  --readers R       clerks reading at the same time (default 4)
  --own             start a stack of its own even if \`npm start\` is running
  --workers off     the stack of its own runs no stream and queue workers (confirmation mail,
                    delivery, file tags): in AWS they run in functions of their own and do not
                    share the routes' CPU, so this measures the submission path alone
  --profile DIR     the stack of its own runs with --cpu-prof: its CPU profile is written to DIR
                    when it stops (open it in Chrome DevTools, or summarise it with
                    \`npx node bench/profileShares.ts DIR/*.cpuprofile\`)
  --no-retry        no second attempts: every shed submission or read counts as unexpected
  --help            this text`;

const FORMS = loadForms();
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * A portal keeps trying for this long: well past the 30 s an Idempotency-Key stays locked after a
 * lost attempt plus a request timeout of 30 s.
 */
const RETRY_FOR_MS = 180_000;

interface Sample {
  ms: number;
  status: number;
}

const { values: options } = parseArgs({
  options: {
    submissions: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    readers: { type: 'string', default: '4' },
    own: { type: 'boolean', default: false },
    workers: { type: 'string', default: 'on' },
    profile: { type: 'string' },
    'no-retry': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (options.help) {
  console.log(HELP);
  process.exit(0);
}
const total = Number(options.submissions);
const concurrency = Number(options.concurrency);
const readers = Number(options.readers);
if (![total, concurrency, readers].every((n) => Number.isInteger(n) && n >= 0) || concurrency < 1 || !['on', 'off'].includes(options.workers)) {
  console.error(HELP);
  process.exit(2);
}

const log = (line: string): void => console.log(line);

async function runningStack(): Promise<StackInfo | undefined> {
  // A running npm start has its workers as they are: --workers off (and --profile) need a stack of its own.
  if (options.own || options.workers === 'off' || options.profile) return undefined;
  const file = join(defaultDataDir(), 'stack.json');
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
    const health = await fetch(`${info.apiUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    return health.ok ? info : undefined;
  } catch {
    return undefined;
  }
}

let own: RunningStack | undefined;
let ownDir: string | undefined;
let info = await runningStack();
if (info) {
  log(`using the running npm start at ${info.apiUrl}`);
} else {
  ownDir = mkdtempSync(join(tmpdir(), 'egov-load-'));
  log('no running npm start found: starting a stack of its own …');
  try {
    // A loaded machine starts the stack slowly (forms build, the JVM): three minutes, not one.
    own = await spawnStack(
      {
        LOCAL_DATA_DIR: ownDir,
        LOCAL_WORKERS: options.workers,
        LOCAL_COUNT_CALLS: '1',
        ...(options.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.profile}` } : {}),
      },
      180_000,
    );
  } catch (error) {
    rmSync(ownDir, { recursive: true, force: true });
    throw error;
  }
  info = own.info;
  log(`started at ${info.apiUrl} (data in ${ownDir})`);
}
const api = info.apiUrl;
const token = await mintToken(info.dataDir, { sub: 'load-clerk', offices: [...new Set(FORMS.map((form) => form.office))], ttlSeconds: 3600 });
const auth = { authorization: `Bearer ${token}` };

const runId = randomBytes(4).toString('hex');
const markerOf = (i: number): string => `Ld${runId}x${i.toString(36)}`;

async function request(
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Sample & { json: unknown; retryAfter?: string | null }> {
  const started = performance.now();
  try {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { ms: performance.now() - started, status: response.status, json, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    return { ms: performance.now() - started, status: 0, json: { error: error instanceof Error ? error.name : String(error) } };
  }
}

// ---- the rush ---------------------------------------------------------------------------------

const submissions: Sample[] = []; // every attempt
const submitted: Sample[] = []; // first attempt to final answer
const lists: Sample[] = [];
const reads: Sample[] = [];
const unexpected = new Map<string, number>();
const shed = new Map<string, number>();
const acknowledged = new Map<string, { office: string; marker: string; formId: string }>(); // caseId →
const ackedIds: string[] = [];
const count = (map: Map<string, number>, what: string): void => void map.set(what, (map.get(what) ?? 0) + 1);
const retries = !options['no-retry'];
let storedAtFirstAttempt = 0;

/**
 * Sends until the answer is no longer one to retry (or retries are off, or the time is up). An
 * answer still to retry when the time is up is reported as given up, not as unexpected.
 */
async function attempt(
  operation: Operation,
  send: () => Promise<Sample & { json: unknown; retryAfter?: string | null }>,
  samples: Sample[],
): Promise<Sample & { json: unknown; attempts: number; verdict: ReturnType<typeof classify> }> {
  const started = performance.now();
  for (let n = 1; ; n++) {
    const answer = await send();
    samples.push(answer);
    const reading = { status: answer.status, type: (answer.json as { type?: string } | undefined)?.type };
    const verdict = classify(operation, reading);
    if (verdict !== 'retry' || !retries || performance.now() - started > RETRY_FOR_MS) return { ...answer, ms: performance.now() - started, attempts: n, verdict };
    count(shed, describe(operation, reading));
    await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter ?? 1) * 1000 * (0.5 + Math.random())));
  }
}

/** What a final answer that is not the awaited one says in the report. */
function outcome(operation: Operation, answer: { status: number; json: unknown; verdict: ReturnType<typeof classify> }, what: string = operation): string {
  const type = (answer.json as { type?: string } | undefined)?.type;
  return answer.verdict === 'retry'
    ? `${what}: still shed after ${RETRY_FOR_MS / 1000} s (${describe(operation, { status: answer.status, type })})`
    : `${what} ${answer.status} ${JSON.stringify(answer.json).slice(0, 120)}`;
}

/** The stack's call counts (only a stack that counts them answers), for the report. */
async function callCounts(): Promise<CallCounts | undefined> {
  const answer = await request('GET', '/_local/calls');
  return answer.status === 200 ? (answer.json as CallCounts) : undefined;
}
const callsBefore = await callCounts();
const cpuBefore = cpuReading([process.pid]);

const runStart = new Date(Date.now() - 1_000).toISOString(); // a second of slack for clock granularity
const wallStart = performance.now();
let next = 0;
let done = false;

async function citizen(): Promise<void> {
  while (next < total) {
    const i = next++;
    const form = FORMS[i % FORMS.length]!;
    const data = withMarker(form.sample, form.slot, markerOf(i));
    const headers = { 'idempotency-key': `load-${runId}-${i}` };
    const answer = await attempt('submission', () => request('POST', `/forms/${form.formId}/submissions`, { body: { data }, headers }), submissions);
    submitted.push(answer);
    const caseId = (answer.json as { caseId?: string } | undefined)?.caseId;
    if (answer.status === 201 && caseId) {
      if (answer.attempts === 1) storedAtFirstAttempt++;
      if (!acknowledged.has(caseId)) ackedIds.push(caseId);
      acknowledged.set(caseId, { office: form.office, marker: markerOf(i), formId: form.formId });
    } else {
      count(unexpected, outcome('submission', answer));
    }
  }
}

async function clerk(n: number): Promise<void> {
  let turn = 0;
  while (!done) {
    const office = FORMS[(n + turn++) % FORMS.length]!.office;
    const page = await attempt('read', () => request('GET', `/cases?office=${office}&limit=25`, { headers: auth }), lists);
    if (page.status !== 200) count(unexpected, outcome('read', page, 'list'));
    const cursor = (page.json as { nextCursor?: string | null } | undefined)?.nextCursor;
    if (cursor && turn % 3 === 0) {
      const more = await attempt('read', () => request('GET', `/cases?office=${office}&limit=25&cursor=${encodeURIComponent(cursor)}`, { headers: auth }), lists);
      if (more.status !== 200) count(unexpected, outcome('read', more, 'list (next page)'));
    }
    if (ackedIds.length > 0) {
      const caseId = ackedIds[Math.floor(Math.random() * ackedIds.length)]!;
      const read = await attempt('read', () => request('GET', `/cases/${caseId}`, { headers: auth }), reads);
      if (read.status !== 200) count(unexpected, outcome('read', read));
      else if (!JSON.stringify((read.json as { data?: unknown }).data).includes(`"${acknowledged.get(caseId)!.marker}"`)) count(unexpected, 'read: data differs from what was submitted');
    } else {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const progress = setInterval(() => log(`  … ${submitted.length}/${total} submitted (${submissions.length} attempts), ${lists.length} lists and ${reads.length} reads`), 5_000);
try {
  log(`${total} submissions at concurrency ${concurrency}, ${readers} clerks reading meanwhile (run ${runId})`);
  const reading = Promise.all(Array.from({ length: readers }, (_, n) => clerk(n)));
  await Promise.all(Array.from({ length: concurrency }, citizen));
  const wallMs = performance.now() - wallStart;
  const cpuAfter = cpuReading([process.pid]);
  const callsAfter = await callCounts();
  done = true;
  await reading;
  const label = (process_: ProcessCpu): string =>
    process_.pid === process.pid
      ? 'load client (this process)'
      : process_.pid === own?.child.pid
        ? 'local stack (gateway, handlers, workers, emulators)'
        : process_.name === 'java'
          ? 'DynamoDB Local (JVM)'
          : process_.name;
  const measured = [
    ...cpuReport(cpuBefore, cpuAfter, { cores: availableParallelism(), submissions: acknowledged.size, label }),
    ...(callsBefore && callsAfter ? callsReport(countsBetween(callsBefore, callsAfter), acknowledged.size) : []),
  ];
  clearInterval(progress);

  // ---- what is stored: every office's cases of this run, through the clerk list API -----------
  const counted = await countStored();
  const report = summary(wallMs, counted);
  log(report.text);
  log(measured.join('\n'));
  process.exitCode = report.ok ? 0 : 1;
} finally {
  clearInterval(progress);
  if (own) {
    await own.stop();
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}

async function countStored(): Promise<{ listed: number; missing: string[]; unacknowledged: string[]; foreign: number; pages: number }> {
  let pages = 0;
  const listed = new Set<string>();
  for (const office of new Set(FORMS.map((form) => form.office))) {
    let cursor: string | null | undefined;
    do {
      const page = await request('GET', `/cases?office=${office}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth });
      pages++;
      if (page.status !== 200) throw new Error(`counting: list answered ${page.status}`);
      const body = page.json as { items: { caseId: string; receivedAt: string }[]; nextCursor: string | null };
      const ours = body.items.filter((item) => item.receivedAt >= runStart);
      for (const item of ours) listed.add(item.caseId);
      // newest first: once a page reaches back before the run, the rest is older still
      cursor = ours.length < body.items.length ? null : body.nextCursor;
    } while (cursor);
  }
  const missing = [...acknowledged.keys()].filter((caseId) => !listed.has(caseId));
  // Listed but not acknowledged: ours (stored without a 201, a failure) or another client's.
  const unacknowledged: string[] = [];
  let foreign = 0;
  for (const caseId of [...listed].filter((id) => !acknowledged.has(id))) {
    const read = await request('GET', `/cases/${caseId}`, { headers: auth });
    if (JSON.stringify((read.json as { data?: unknown }).data ?? '').includes(`Ld${runId}x`)) unacknowledged.push(caseId);
    else foreign++;
  }
  return { listed: listed.size, missing, unacknowledged, foreign, pages };
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function latencies(name: string, samples: Sample[]): string {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  if (sorted.length === 0) return `  ${name.padEnd(12)} n=0      (none)`;
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  return `  ${name.padEnd(12)} n=${String(samples.length).padEnd(6)} p50 ${f(percentile(sorted, 0.5))}  p95 ${f(percentile(sorted, 0.95))}  p99 ${f(percentile(sorted, 0.99))}  max ${f(sorted.at(-1) ?? Number.NaN)}`;
}

function summary(wallMs: number, counted: Awaited<ReturnType<typeof countStored>>): { ok: boolean; text: string } {
  const created = acknowledged.size;
  const countsMatch = counted.missing.length === 0 && counted.unacknowledged.length === 0 && counted.listed - counted.foreign === created;
  const ok = unexpected.size === 0 && countsMatch && submitted.length === total && created === total;
  const lines = [
    '',
    `load test ${ok ? 'PASSED' : 'FAILED'} (run ${runId}, ${own ? `own stack, workers ${options.workers}` : 'running npm start'}${retries ? '' : ', no retries'})`,
    `  submissions: ${submitted.length} citizens, ${created} × 201 in ${(wallMs / 1000).toFixed(1)} s = ${((created / wallMs) * 1000).toFixed(1)} submissions/s at concurrency ${concurrency}` +
      ` (${submissions.length} attempts; ${storedAtFirstAttempt} stored at the first attempt)`,
    `  clerks: ${lists.length} list pages and ${reads.length} case reads meanwhile (${(((lists.length + reads.length) / wallMs) * 1000).toFixed(1)} reads/s)`,
    latencies('submit', submissions),
    latencies('submit→201', submitted),
    latencies('list', lists),
    latencies('read', reads),
    latencies('all reads', [...lists, ...reads]),
    `  stored during the run (clerk list API, ${counted.pages} pages): ${counted.listed - counted.foreign} of ours${counted.foreign ? ` (+${counted.foreign} other clients')` : ''}; 201s: ${created}` +
      `; acknowledged but not listed: ${counted.missing.length}; listed but never acknowledged: ${counted.unacknowledged.length}`,
    `  shed and retried with the same key: ${shed.size === 0 ? 'none' : ''}`,
    ...[...shed].map(([what, n]) => `    ${n} × ${what}`),
    `  unexpected answers (or still shed when the retry time was up): ${unexpected.size === 0 ? 'none' : ''}`,
    ...[...unexpected].map(([what, n]) => `    ${n} × ${what}`),
  ];
  return { ok, text: lines.join('\n') };
}
