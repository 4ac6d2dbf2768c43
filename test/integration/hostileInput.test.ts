// Property-based: generated hostile requests against the public edge of the running local stack,
// over real HTTP. Whatever arrives, the answer is a documented status (never a 5xx), a problem
// document when it is an error, in time; and a case is stored exactly when the answer is 201.
// `npm test` tries FUZZ_RUNS=200; `npm run test:fuzz` tries 10,000 (FUZZ_RUNS, FUZZ_SEED override).
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { PROBLEMS, type ProblemSlug } from '#lib/http/problem.ts';
import { stackInfo } from '../support/api.ts';
import { hostileRequests, storedFormOf, type HostileCase } from '../support/hostileRequests.ts';
import { closeRawClient, sendRaw, type RawAnswer, type RawRequest } from '../support/rawHttp.ts';
import { newMarker, plantMarkers } from '../support/markers.ts';
import { decryptAllCases, markerCounts, partialWrites } from '../support/storeAudit.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED);
/** A request that takes longer is a hang: far above any answer the edge should need. */
const REQUEST_TIMEOUT_MS = Number(process.env.FUZZ_REQUEST_TIMEOUT_MS ?? 8_000);
/** Every status API.md documents, but the server-side ones: none of them may answer hostile input. */
const DOCUMENTED_CLIENT_STATUSES = new Set([200, 201, 400, 401, 403, 404, 409, 412, 413, 415, 422, 428]);

interface Tried {
  kind: string;
  describe: string;
  marker: string;
  status: number;
  /** What the server must have stored for a 201: its reading of the body's `data`. */
  storedForm: string | undefined;
  ms: number;
  /** A 503 while another test file had KMS faults switched on for the shared stack. */
  excused: boolean;
}

const tried: Tried[] = [];

afterAll(() => closeRawClient());

async function kmsFaultsInjected(): Promise<number> {
  const response = await fetch(`${stackInfo().kmsEndpoint}/_faults`);
  return ((await response.json()) as { injected: number }).injected;
}

/** Everything wrong with one answer, or undefined. */
function violation(request: RawRequest, answer: RawAnswer, expected: readonly number[] | undefined, marker: string): string | undefined {
  const { status } = answer;
  const contentType = String(answer.headers['content-type'] ?? '');
  // OPTIONS on a known resource is a CORS preflight: an empty 204, as the AWS stage answers it.
  if (request.method === 'OPTIONS' && status === 204) return answer.body.length === 0 && answer.headers['x-request-id'] ? undefined : 'preflight 204 with a body or without X-Request-Id';
  if (!DOCUMENTED_CLIENT_STATUSES.has(status)) return `status ${status} is not a documented answer to a client`;
  if (expected && !expected.includes(status)) return `status ${status}, expected ${expected.join(' or ')}`;
  if (!answer.headers['x-request-id']) return 'no X-Request-Id';
  if (answer.body.includes(marker)) return 'the answer echoes a submitted value';
  const head = request.method === 'HEAD';
  if (status >= 400) {
    if (!contentType.startsWith('application/problem+json')) return `error with Content-Type ${contentType}`;
    if (head) return undefined;
    let problem: { type?: unknown; status?: unknown; title?: unknown };
    try {
      problem = JSON.parse(answer.body.toString('utf8')) as typeof problem;
    } catch {
      return 'error body is not JSON';
    }
    const slug = /^urn:problem:([a-z-]+)$/.exec(String(problem.type))?.[1] as ProblemSlug | undefined;
    if (!slug || !(slug in PROBLEMS)) return `unknown problem type ${String(problem.type)}`;
    if (PROBLEMS[slug] !== status || problem.status !== status) return `problem ${slug} (status ${String(problem.status)}) answered with ${status}`;
    if (typeof problem.title !== 'string' || problem.title === '') return 'problem without title';
  } else if (!head) {
    if (!contentType.startsWith('application/json')) return `success with Content-Type ${contentType}`;
    try {
      JSON.parse(answer.body.toString('utf8'));
    } catch {
      return 'success body is not JSON';
    }
  }
  return undefined;
}

function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('hostile requests at the public edge', () => {
  it(
    `answer a documented status with a problem document, in time, and store exactly the 201s (${RUNS} generated requests)`,
    async () => {
      const { apiUrl } = stackInfo();
      const nonce = randomBytes(4).toString('hex');
      const property = fc.asyncProperty(hostileRequests(nonce), async (generated: HostileCase) => {
        const marker = newMarker('Fz');
        plantMarkers([marker]);
        const { request, expected } = generated.build(marker);
        const faultsBefore = await kmsFaultsInjected();
        let answer: RawAnswer;
        try {
          answer = await sendRaw(apiUrl, request, REQUEST_TIMEOUT_MS);
        } catch (error) {
          throw new Error(`no answer: ${(error as Error).message}`, { cause: error });
        }
        const excused = answer.status === 503 && (await kmsFaultsInjected()) !== faultsBefore;
        tried.push({
          kind: generated.kind,
          describe: generated.describe(),
          marker,
          status: answer.status,
          storedForm: answer.status === 201 ? storedFormOf(request.body) : undefined,
          ms: answer.ms,
          excused,
        });
        if (excused) return;
        const wrong = violation(request, answer, expected, marker);
        if (wrong) throw new Error(`${wrong}\n  answer: ${answer.status} ${answer.body.toString('utf8').slice(0, 400)}`);
      });
      try {
        await fc.assert(property, { numRuns: RUNS, seed: SEED, endOnFailure: RUNS > 1000 });
      } finally {
        const slowest = Math.max(0, ...tried.map((t) => t.ms));
        console.log(
          [
            `hostile input: ${tried.length} generated requests tried (seed ${SEED}, FUZZ_SEED=${SEED} repeats them)`,
            `  by kind: ${JSON.stringify(tally(tried, (t) => t.kind))}`,
            `  statuses: ${JSON.stringify(tally(tried, (t) => String(t.status)))}`,
            `  slowest answer: ${slowest.toFixed(0)} ms; 503s excused by another file's KMS faults: ${tried.filter((t) => t.excused).length}`,
          ].join('\n'),
        );
      }
    },
    Math.max(120_000, RUNS * 150),
  );

  it('stored every 201 exactly once, as the server read it, and nothing for any other answer', async () => {
    expect(tried.length).toBeGreaterThanOrEqual(Math.min(RUNS, 1));
    const counts = markerCounts(await decryptAllCases(stackInfo()), tried.map((t) => t.marker));
    const wrong: string[] = [];
    for (const t of tried) {
      const stored = counts.get(t.marker) ?? [];
      if (t.status === 201) {
        if (stored.length !== 1) wrong.push(`201 stored ${stored.length} times: ${t.describe}`);
        else if (stored[0]!.plaintext !== t.storedForm) wrong.push(`201 stored other data than sent: ${t.describe}`);
      } else if (stored.length > 0) {
        wrong.push(`${t.status} but stored: ${t.describe}`);
      }
    }
    expect(wrong).toEqual([]);
    // The run must have exercised both sides of the property.
    expect(tried.some((t) => t.status === 201)).toBe(true);
    expect(tried.some((t) => t.status >= 400)).toBe(true);
  });

  it('left no partial write behind: every case with its reference claim and receipt event, nothing orphaned', async () => {
    expect(await partialWrites(stackInfo())).toEqual([]);
  });
});
