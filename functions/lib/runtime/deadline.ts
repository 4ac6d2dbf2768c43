import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';

/**
 * One deadline per request, derived from the function's remaining time: every AWS call a request
 * makes (submit can make five in a row) ends by it, however many attempts the SDK would still
 * make, so the caller gets a problem document from us instead of a Lambda timeout from API
 * Gateway. The reserve is what answering takes after the deadline fired.
 */
export const ANSWER_RESERVE_MS = 1_000;
/** When a caller hands no Lambda context (tests, benchmarks): the function timeout of the stack. */
const DEFAULT_REMAINING_MS = 10_000;

const deadlines = new AsyncLocalStorage<AbortSignal>();

/** Runs a handler with a deadline its AWS calls obey. */
export function withDeadline<E, R>(handler: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS;
    return deadlines.run(AbortSignal.timeout(Math.max(1, remaining - ANSWER_RESERVE_MS)), () => handler(event, context));
  };
}

/** The current request's deadline, if it runs under one. */
export function requestDeadline(): AbortSignal | undefined {
  return deadlines.getStore();
}

type Sender = { send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown> };

/** Makes every call of an SDK client end at the current request's deadline (an explicit signal wins). */
export function boundedByDeadline<C extends Sender>(client: C): C {
  const send = client.send.bind(client) as (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;
  (client as { send: unknown }).send = (command: unknown, options?: { abortSignal?: AbortSignal }) => {
    const abortSignal = options?.abortSignal ?? requestDeadline();
    return send(command, abortSignal ? { ...options, abortSignal } : options);
  };
  return client;
}
