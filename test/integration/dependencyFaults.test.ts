// Dependencies failing under a stream of submissions, on a local stack of this file's own (so that
// its faults touch no other test file): the local KMS errs, throttles and stalls on demand;
// DynamoDB Local hangs (SIGSTOP), and is stopped mid-stream and started again on the same port
// and data. Whatever happens: every 201 is stored and readable, no failure was acknowledged,
// nothing is half-written, every failure is a 503 (429 when throttled) within the SDK's time
// budget, and the service recovers when the dependency returns.
//
// FAULTS_DYNAMODB_STOP=kill stops DynamoDB Local with SIGKILL instead of SIGTERM. DynamoDB Local
// then loses writes it acknowledged in the last milliseconds before the kill (reproduced without
// any of our code: it answers before its store is durable; DynamoDB itself answers only once the
// write is durable). In that mode, an acknowledged case that vanished completely, acknowledged at
// most KILL_WINDOW_MS before the kill, is reported and not counted; every other property holds.
// The same holds in the default mode if the JVM did not shut down within the stack's grace after
// SIGTERM and was killed (the control answers `endedBy`; seen once in CI, on a loaded machine,
// when the grace was 5 s): then a case acknowledged between KILL_WINDOW_MS before the stop and
// the kill is reported and not counted.
// FAULTS_STACK_LOG=<file> keeps this stack's whole output there, for looking into a failure.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../infra/local/tokens.ts';
import { fixture, stackInfo } from '../support/api.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { leaksIn, newMarker, plantMarkers, plantToken } from '../support/markers.ts';
import { decryptAllCases, markerCounts, partialWrites } from '../support/storeAudit.ts';

/** functions/lib/clients.ts: 3 attempts of at most 0.5 s to connect and 1.5 s to answer. */
const SDK = { attempts: 3, connectMs: 500, requestMs: 1_500 };
/** The most a failing dependency call may cost, plus a second for back-off between attempts and the rest of the request. */
const FAILURE_BUDGET_MS = SDK.attempts * (SDK.connectMs + SDK.requestMs) + 1_000;

const STOP_MODE = process.env.FAULTS_DYNAMODB_STOP === 'kill' ? 'kill' : 'stop';
const KILL_WINDOW_MS = 250;

interface Submission {
  phase: string;
  marker: string;
  data: Record<string, unknown>;
  key: string | undefined;
  status: number;
  body: { caseId?: string; type?: string };
  retryAfter: string | null;
  ms: number;
  startedAt: number;
  answeredAt: number;
}

let stack: RunningStack;
let dataDir: string;
const submissions: Submission[] = [];
const planted: string[] = [];
const tokenParts: string[] = [];
let faultsInjected = 0;
let dynamoDbOutageMs = 0;
let killedAt = Number.NaN;
/** When the stop's answer came: the JVM had ended by then. */
let stopAnsweredAt = Number.NaN;
/** Which signal ended DynamoDB Local in the stop phase (SIGKILL in kill mode, or after a stop's grace ran out). */
let endedBy: 'SIGTERM' | 'SIGKILL' | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'egov-faults-'));
  stack = await spawnStack({ LOCAL_DATA_DIR: dataDir, LOCAL_KMS_FAULTS: '1', LOCAL_TEST_CONTROL: '1' });
  expect(stack.info.controlUrl).toBeDefined();
});

afterAll(async () => {
  if (process.env.FAULTS_STACK_LOG) (await import('node:fs')).writeFileSync(process.env.FAULTS_STACK_LOG, stack?.output() ?? '');
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function application(): { marker: string; data: Record<string, unknown> } {
  const marker = newMarker('Ft');
  planted.push(marker);
  plantMarkers([marker]);
  const data = structuredClone(fixture('fischereischein')) as { applicant: Record<string, unknown> };
  data.applicant.familyName = marker;
  return { marker, data };
}

async function post(data: unknown, key: string | undefined): Promise<Omit<Submission, 'phase' | 'marker' | 'data' | 'key'>> {
  const startedAt = performance.now();
  const response = await fetch(`${stack.info.apiUrl}/forms/fischereischein/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify({ data }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as Submission['body'];
  const answeredAt = performance.now();
  return { status: response.status, body, retryAfter: response.headers.get('retry-after'), ms: answeredAt - startedAt, startedAt, answeredAt };
}

async function submitOne(phase: string, keyed: boolean): Promise<Submission> {
  const { marker, data } = application();
  const key = keyed ? randomUUID() : undefined;
  const submission: Submission = { phase, marker, data, key, ...(await post(data, key)) };
  submissions.push(submission);
  return submission;
}

/** Submits `count` applications, `concurrency` at a time. */
async function burst(phase: string, count: number, concurrency: number, keyed: (i: number) => boolean): Promise<Submission[]> {
  let next = 0;
  const out: Submission[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) out.push(await submitOne(phase, keyed(next++)));
    }),
  );
  return out;
}

async function kmsFault(rule: object | null): Promise<void> {
  const url = `${stack.info.kmsEndpoint}/_faults`;
  const response = rule
    ? await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })
    : await fetch(url, { method: 'DELETE' });
  expect(response.ok).toBe(true);
}

async function kmsFaultCount(): Promise<number> {
  return ((await (await fetch(`${stack.info.kmsEndpoint}/_faults`)).json()) as { injected: number }).injected;
}

async function dynamoDb(action: 'kill' | 'stop' | 'start' | 'freeze' | 'thaw'): Promise<{ running: boolean; endedBy?: 'SIGTERM' | 'SIGKILL' }> {
  const response = await fetch(`${stack.info.controlUrl}/dynamodb/${action}`, { method: 'POST', signal: AbortSignal.timeout(90_000) });
  expect(response.status).toBe(200);
  return (await response.json()) as { running: boolean; endedBy?: 'SIGTERM' | 'SIGKILL' };
}

/**
 * Whether DynamoDB Local was killed (kill mode, or a stop whose grace ran out) and every 201 of this
 * case came between KILL_WINDOW_MS before the stop request and the kill (see the top).
 */
function lostToKill(caseId: string | undefined): boolean {
  const acks = submissions.filter((s) => s.status === 201 && s.body.caseId === caseId);
  const lastPossible = STOP_MODE === 'kill' ? killedAt : stopAnsweredAt;
  return endedBy === 'SIGKILL' && acks.length > 0 && acks.every((s) => s.answeredAt >= killedAt - KILL_WINDOW_MS && s.answeredAt <= lastPossible);
}

async function withKmsFault<T>(rule: object, work: () => Promise<T>): Promise<T> {
  const before = await kmsFaultCount();
  await kmsFault(rule);
  try {
    return await work();
  } finally {
    await kmsFault(null);
    faultsInjected += (await kmsFaultCount()) - before;
  }
}

describe('the test-only controls', () => {
  it('exist only when asked for: the suite’s shared stack, started like npm start without LOCAL_TEST_CONTROL, has none', async () => {
    expect(stack.info.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stackInfo().controlUrl).toBeUndefined();
  });
});

/**
 * Keyed submissions, three at a time (a client backs off after a failure, and leaves the CPU to
 * DynamoDB Local's restart), for as long as `script` runs.
 */
async function streamDuring(phase: string, script: (stream: readonly Submission[]) => Promise<void>): Promise<Submission[]> {
  const stream: Submission[] = [];
  let stopped = false;
  const running = Promise.all(
    Array.from({ length: 3 }, async () => {
      while (!stopped) {
        const submission = await submitOne(phase, true);
        stream.push(submission);
        await sleep(submission.status === 201 ? 10 : 250);
      }
    }),
  );
  try {
    await script(stream);
  } finally {
    stopped = true;
    await running;
  }
  return stream;
}

/**
 * Whether the service has recovered since `since` (a restart or thaw): the latest `run` answers to
 * requests sent after it are all 201. Not "everything after the restart plus a grace period": on a
 * loaded machine a JVM that runs again may take seconds for its first writes, longer than the SDK
 * waits, and a request in that time is rightly answered 503.
 */
function recovered(stream: readonly Submission[], since: number, run = 6): boolean {
  const after = stream.filter((s) => s.startedAt > since);
  return after.length >= run && after.slice(-run).every((s) => s.status === 201);
}

/** Waits until `enough` holds, however slowly a loaded machine gets there (a minute at most: then it is broken). */
async function until(what: string, enough: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!enough()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe(`DynamoDB Local stopped (${STOP_MODE === 'kill' ? 'SIGKILL' : 'SIGTERM'}) in the middle of a stream of submissions`, () => {
  it('answers 503 while it is gone and 201 again once it is back', async () => {
    let restartedAt = 0;
    const stream = await streamDuring(`dynamodb-${STOP_MODE}`, async (sofar) => {
      // The stream must be flowing (a first 201) before the stop, however loaded the machine is.
      await until('a first 201', () => sofar.some((s) => s.status === 201));
      killedAt = performance.now();
      endedBy = (await dynamoDb(STOP_MODE)).endedBy;
      stopAnsweredAt = performance.now();
      await dynamoDb('start'); // takes seconds: the JVM starts again, and the stream keeps coming
      restartedAt = performance.now();
      dynamoDbOutageMs = restartedAt - killedAt;
      await until('six 201s in a row after the restart', () => recovered(sofar, restartedAt));
    });

    expect(stream.filter((s) => s.status !== 201 && s.status !== 503).map((s) => `${s.status} ${s.body.type}`)).toEqual([]);
    expect(stream.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    expect(stream.filter((s) => s.startedAt < killedAt && s.status === 201).length).toBeGreaterThan(0);
    // Killed: as asked; stopped: cleanly, or killed once the grace ran out (then counted as a kill below).
    expect(STOP_MODE === 'kill' ? ['SIGKILL'] : ['SIGTERM', 'SIGKILL']).toContain(endedBy);
    // Recovery is the until above: six 201s in a row after the restart (it throws after a minute).
  }, 180_000);
});

describe('DynamoDB Local hanging (SIGSTOP) in the middle of a stream of submissions', () => {
  it('answers 503 in time while it hangs, never 409 to a first attempt, and 201 again once it answers', async () => {
    let thawedAt = 0;
    const stream = await streamDuring('dynamodb-hang', async (sofar) => {
      // The stream must be flowing (a first 201) before the freeze, however loaded the machine is.
      await until('a first 201', () => sofar.some((s) => s.status === 201));
      await dynamoDb('freeze');
      await sleep(2_500); // the fault itself: a hang longer than the SDK's 1.5 s per attempt
      await dynamoDb('thaw');
      thawedAt = performance.now();
      await until('six 201s in a row after the thaw', () => recovered(sofar, thawedAt));
    });
    // Every key is new: a 409 would be the request tripping over its own claim, retried by the SDK.
    expect(stream.filter((s) => s.status !== 201 && s.status !== 503).map((s) => `${s.status} ${s.body.type}`)).toEqual([]);
    // Recovery is the until above: six 201s in a row after the thaw (it throws after a minute).
  }, 150_000);
});

describe('the local KMS failing', () => {
  it('errors: 503 with nothing stored, and a keyed retry afterwards is stored once', async () => {
    const failed = await withKmsFault({ operation: 'GenerateDataKey', kind: 'error' }, () => burst('kms-error', 8, 4, (i) => i % 2 === 0));
    expect(failed.map((s) => s.status)).toEqual(Array(8).fill(503));
    expect(failed.every((s) => s.body.type === 'urn:problem:unavailable')).toBe(true);
  });

  it('throttles on every attempt: 429 with Retry-After, nothing stored', async () => {
    const throttled = await withKmsFault({ operation: 'GenerateDataKey', kind: 'throttle' }, () => burst('kms-throttle', 6, 3, (i) => i % 2 === 0));
    expect(throttled.map((s) => s.status)).toEqual(Array(6).fill(429));
    expect(throttled.every((s) => s.body.type === 'urn:problem:rate-limited' && s.retryAfter === '1')).toBe(true);
  });

  it('throttles once: the SDK retry absorbs it and the submission is stored', async () => {
    const before = await kmsFaultCount();
    const answer = await withKmsFault({ operation: 'GenerateDataKey', kind: 'throttle', times: 1 }, () => submitOne('kms-throttle-once', false));
    expect(await kmsFaultCount()).toBe(before + 1);
    expect(answer.status).toBe(201);
  });

  it('stalls beyond the request timeout: 503 once the SDK has given up, nothing stored', async () => {
    const stalled = await withKmsFault({ operation: 'GenerateDataKey', kind: 'delay', delayMs: 2_500 }, () => burst('kms-stall', 4, 4, (i) => i % 2 === 0));
    expect(stalled.map((s) => s.status)).toEqual(Array(4).fill(503));
    // The SDK made all three attempts before the answer, each ending in a timeout: the 1.5 s
    // request timeout, or, when a loaded machine is slow to accept the connection, the 0.5 s
    // connect timeout (seen once in a run beside other test files: 3.6 s). Two attempts alone
    // would answer before this.
    expect(Math.min(...stalled.map((s) => s.ms))).toBeGreaterThanOrEqual((SDK.attempts - 1) * SDK.requestMs + SDK.connectMs);
  });

  it('is slow but within the timeout: every submission is stored', async () => {
    const slow = await withKmsFault({ operation: 'GenerateDataKey', kind: 'delay', delayMs: 400, times: 4 }, () => burst('kms-slow', 4, 4, () => true));
    expect(slow.map((s) => s.status)).toEqual(Array(4).fill(201));
  });

  it('recovers: with the faults gone, submissions are stored again', async () => {
    const after = await burst('kms-recovered', 6, 3, (i) => i % 2 === 0);
    expect(after.map((s) => s.status)).toEqual(Array(6).fill(201));
  });
});

describe('after the faults', () => {
  it('a retry of every failed keyed submission ends in one 201 (409 only while the lost attempt still holds its lock)', async () => {
    const failedKeyed = submissions.filter((s) => s.status !== 201 && s.key !== undefined);
    expect(failedKeyed.length).toBeGreaterThan(0);
    const deadline = performance.now() + 45_000;
    const unexpected: string[] = [];
    let next = 0;
    // Four at a time, as a portal's retry queue would: a flood would only measure the laptop.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < failedKeyed.length) {
          const failed = failedKeyed[next++]!;
          for (;;) {
            const retry = await post(failed.data, failed.key);
            if ((retry.status === 409 || retry.status === 503) && performance.now() < deadline) {
              if (retry.status === 409 && retry.body.type !== 'urn:problem:idempotency-in-progress') unexpected.push(`409 ${retry.body.type}`);
              await sleep(Number(retry.retryAfter ?? 1) * 1000);
              continue;
            }
            if (retry.status !== 201) unexpected.push(`${failed.marker}: retry answered ${retry.status} ${retry.body.type}`);
            submissions.push({ ...failed, phase: `retry of ${failed.phase}`, ...retry });
            break;
          }
        }
      }),
    );
    expect(unexpected).toEqual([]);
  }, 60_000);

  it('stored every 201 exactly once, and no failure: each is unstored, or stored once and owned by its keyed retry', async () => {
    const cases = await decryptAllCases(stack.info);
    expect(cases.filter((c) => c.plaintext === undefined).map((c) => c.caseId)).toEqual([]);
    const counts = markerCounts(cases, planted);
    const wrong: string[] = [];
    const acknowledged = new Map<string, string>(); // marker → caseId of its 201
    for (const s of submissions) if (s.status === 201 && s.body.caseId) acknowledged.set(s.marker, s.body.caseId);
    const lostByKill: string[] = [];
    for (const marker of planted) {
      const stored = counts.get(marker) ?? [];
      const caseId = acknowledged.get(marker);
      if (caseId === undefined && stored.length > 0) wrong.push(`${marker}: never acknowledged, but stored ${stored.length} time(s)`);
      if (caseId !== undefined && (stored.length !== 1 || stored[0]!.caseId !== caseId)) {
        const ack = submissions.find((s) => s.body.caseId === caseId)!;
        const when = `acknowledged ${(ack.answeredAt - killedAt).toFixed(0)} ms after the ${STOP_MODE} request, which ended DynamoDB Local by ${endedBy} ${(stopAnsweredAt - killedAt).toFixed(0)} ms after it`;
        if (stored.length === 0 && lostToKill(caseId)) lostByKill.push(`${caseId} (${when})`);
        else wrong.push(`${marker} (${ack.phase}): acknowledged as ${caseId}, stored as ${stored.map((c) => c.caseId).join(', ') || 'nothing'} (${when})`);
      }
    }
    if (lostByKill.length > 0) console.log(`DynamoDB Local lost ${lostByKill.length} acknowledged write(s) to SIGKILL: ${lostByKill.join(', ')}`);
    // The same marker must not have been acknowledged as two different cases.
    for (const s of submissions) {
      if (s.status === 201 && s.body.caseId !== acknowledged.get(s.marker)) wrong.push(`${s.marker}: two different 201s`);
    }
    expect(wrong).toEqual([]);
  });

  it('every acknowledged case reads back through the clerk API with exactly the data sent', async () => {
    const token = await mintToken(dataDir, { sub: 'fault-auditor', offices: ['ordnungsamt'] });
    plantToken(token);
    tokenParts.push(...token.split('.').slice(1));
    const wrong: string[] = [];
    const acknowledged = submissions.filter((s) => s.status === 201);
    expect(acknowledged.length).toBeGreaterThan(20);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < acknowledged.length) {
          const s = acknowledged[next++]!;
          let response: Response;
          // A read may meet a busy laptop (503, nothing returned); readable means readable on a retry.
          for (let attempt = 1; ; attempt++) {
            response = await fetch(`${stack.info.apiUrl}/cases/${s.body.caseId}`, { headers: { authorization: `Bearer ${token}` } });
            if (response.status !== 503 || attempt === 5) break;
            await sleep(500 * attempt);
          }
          const read = (await response.json()) as { data?: unknown };
          if (response.status === 404 && lostToKill(s.body.caseId)) continue; // reported above
          if (response.status !== 200 || JSON.stringify(read.data) !== JSON.stringify(s.data)) wrong.push(`${s.body.caseId} (${s.phase}): ${response.status}`);
        }
      }),
    );
    expect(wrong).toEqual([]);
  }, 60_000);

  it('left nothing half-written: every case has its reference claim and receipt, nothing is orphaned', async () => {
    expect(await partialWrites(stack.info)).toEqual([]);
  });

  it('answered every failure as 503 (429 when throttled) within the SDK time budget', () => {
    const failures = submissions.filter((s) => s.status !== 201 && !s.phase.startsWith('retry'));
    expect(failures.filter((s) => s.status !== 503 && s.status !== 429)).toEqual([]);
    const slowest = Math.max(...failures.map((s) => s.ms));
    console.log(
      [
        `dependency faults: ${submissions.length} submissions (${submissions.filter((s) => s.status === 201).length} × 201), ${failures.length} failed`,
        `  KMS faults injected: ${faultsInjected}; DynamoDB Local frozen for 2.5 s once, stopped (${STOP_MODE}, ended by ${endedBy} after ${((stopAnsweredAt - killedAt) / 1000).toFixed(1)} s) and restarted once (down ${(dynamoDbOutageMs / 1000).toFixed(1)} s)`,
        `  by phase: ${JSON.stringify(Object.fromEntries([...new Set(submissions.map((s) => s.phase))].map((p) => [p, submissions.filter((s) => s.phase === p).map((s) => s.status).join(' ').replace(/(\d+)( \1)+/g, (run, status) => `${status}×${run.split(' ').length}`)])))}`,
        `  slowest failure: ${slowest.toFixed(0)} ms (budget ${FAILURE_BUDGET_MS} ms)`,
      ].join('\n'),
    );
    expect(faultsInjected).toBeGreaterThan(10);
    expect(slowest).toBeLessThanOrEqual(FAILURE_BUDGET_MS);
  });

  it("wrote none of the planted values to this stack's log", () => {
    expect(planted.length).toBeGreaterThan(20);
    expect(tokenParts).toHaveLength(2);
    expect(leaksIn(stack.output(), [...planted, ...tokenParts])).toEqual([]);
  });
});
