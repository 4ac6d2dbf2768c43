/**
 * How the load test reads an answer, by the contract (docs/contract/API.md) alone:
 * - `final`: the answer a client waits for (201 for a submission, 200 for a read);
 * - `retry`: an answer the contract tells a client to retry with the same Idempotency-Key: `503
 *   unavailable`, `429 rate-limited`, and for a submission `409 idempotency-in-progress` (an
 *   earlier attempt of the same key is still running), and no answer at all (the client's own
 *   timeout or a dropped connection: a portal retries those with the same key too, which is what
 *   the key is for). The order in which they arrive does not matter: a 409 after a 503 after a
 *   timeout is as much a retry as the first;
 * - `unexpected`: anything the contract forbids here, e.g. a 500, a 422 for valid data, or a 409
 *   of another kind (`idempotency-key-reused` means the same key came with another body: a defect
 *   of the test or of the server, never load).
 */
export type Operation = 'submission' | 'read';
export type Verdict = 'final' | 'retry' | 'unexpected';

export interface Answer {
  /** HTTP status; 0 when no answer arrived (timeout, reset). */
  readonly status: number;
  /** The problem document's `type`, when the body was one. */
  readonly type?: string | undefined;
}

const FINAL: Record<Operation, number> = { submission: 201, read: 200 };
const SHED_SLUGS: Record<number, string> = { 503: 'urn:problem:unavailable', 429: 'urn:problem:rate-limited' };

export function classify(operation: Operation, answer: Answer): Verdict {
  if (answer.status === FINAL[operation]) return 'final';
  if (answer.status === 0) return 'retry';
  // API Gateway's own 429 (stage or WAF throttling) is a problem document too, but may lack our
  // slug: any 429 and any 503 is shedding.
  if (answer.status in SHED_SLUGS) return answer.type === undefined || answer.type === SHED_SLUGS[answer.status] ? 'retry' : 'unexpected';
  if (operation === 'submission' && answer.status === 409 && answer.type === 'urn:problem:idempotency-in-progress') return 'retry';
  return 'unexpected';
}

/** A label for the report: `submission 409 urn:problem:idempotency-in-progress`, `read 0 (no answer)`. */
export function describe(operation: Operation, answer: Answer): string {
  return `${operation} ${answer.status}${answer.status === 0 ? ' (no answer)' : answer.type ? ` ${answer.type}` : ''}`;
}
