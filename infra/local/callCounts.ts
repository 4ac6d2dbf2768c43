import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/**
 * Counts the AWS calls the local stack makes, by the function that made them and by service and
 * operation (`LOCAL_COUNT_CALLS=1`, served at `GET /_local/calls`): what a submission costs in
 * DynamoDB, KMS, Secrets Manager, S3, SQS and SES calls, on its route and in the workers after it
 * (`npm run test:load` prints it). Every request sent through `node:http` is seen on Node's
 * `http.client.request.start` channel, whichever AWS SDK client sent it (the handlers' shared
 * clients, a worker's own, the pollers'), and attributed to the function whose invocation it
 * runs in. Requests to other services through `node:http` (a delivery's POST to a receiver) are
 * named by their port (`port 41234.POST /`); requests sent with `fetch` (undici) are not seen. Requests outside any invocation are the local event sources' own (stream and queue
 * pollers: what Lambda's event source mappings do in AWS, not on a function's CPU).
 */

/** What requests outside any invocation are counted under. */
export const EVENT_SOURCES = '(local event sources)';

export interface FunctionCalls {
  /** Times the function was invoked. */
  invocations: number;
  /** Records (stream records, queue messages) handed to it; one per HTTP request for a route. */
  records: number;
  /** Calls by `Service.Operation` (e.g. `DynamoDB.TransactWriteItems`, `KMS.GenerateDataKey`). */
  calls: Record<string, number>;
}

export type CallCounts = Record<string, FunctionCalls>;

/** The JSON protocols name their service and operation in `X-Amz-Target`. */
const TARGET_SERVICES: Record<string, string> = {
  DynamoDB_20120810: 'DynamoDB',
  DynamoDBStreams_20120810: 'DynamoDBStreams',
  TrentService: 'KMS',
  secretsmanager: 'SecretsManager',
  AmazonSQS: 'SQS',
};

/**
 * A request's `Service.Operation`: from `X-Amz-Target` (DynamoDB, Streams, KMS, Secrets Manager,
 * SQS), else the REST service of its port (S3: `S3.GET object`, `S3.PUT bucket`; SES v2 by path).
 */
export function operationOf(request: { method: string; path: string; port: string; target?: string }, restServices: Readonly<Record<string, string>>): string {
  if (request.target) {
    const [prefix = '', operation = ''] = request.target.split('.');
    return `${TARGET_SERVICES[prefix] ?? prefix}.${operation}`;
  }
  const service = restServices[request.port] ?? `port ${request.port}`;
  const path = request.path.split('?')[0] ?? '';
  if (service === 'S3') return `S3.${request.method} ${path.split('/').filter(Boolean).length > 1 ? 'object' : 'bucket'}`;
  return `${service}.${request.method} ${path}`;
}

export interface CallCounter {
  /** The handler, counted: its invocations, records, and every call made while it runs. */
  counted<E, C, R>(name: string, handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R>;
  /** The counts so far (a copy). */
  snapshot(): CallCounts;
  stop(): void;
}

/** `restServices`: the REST services' endpoints (S3, SES), by URL, so their requests are named. */
export function createCallCounter(restServices: Readonly<Record<string, string>>): CallCounter {
  const running = new AsyncLocalStorage<FunctionCalls>();
  const counts = new Map<string, FunctionCalls>();
  const byPort = Object.fromEntries(Object.entries(restServices).map(([url, service]) => [new URL(url).port, service]));
  const entry = (name: string): FunctionCalls => {
    let found = counts.get(name);
    if (!found) counts.set(name, (found = { invocations: 0, records: 0, calls: {} }));
    return found;
  };
  const onRequest = (message: unknown): void => {
    const request = (message as { request: ClientRequest }).request;
    const target = request.getHeader('x-amz-target');
    const operation = operationOf(
      { method: request.method, path: request.path, port: String(request.getHeader('host') ?? '').split(':')[1] ?? '', ...(typeof target === 'string' ? { target } : {}) },
      byPort,
    );
    const calls = (running.getStore() ?? entry(EVENT_SOURCES)).calls;
    calls[operation] = (calls[operation] ?? 0) + 1;
  };
  subscribe('http.client.request.start', onRequest);
  return {
    counted: (name, handler) => (event, context) => {
      const counting = entry(name);
      counting.invocations += 1;
      const records = (event as { Records?: unknown[] } | undefined)?.Records;
      counting.records += Array.isArray(records) ? records.length : 1;
      return running.run(counting, () => handler(event, context));
    },
    snapshot: () => structuredClone(Object.fromEntries(counts)),
    stop: () => void unsubscribe('http.client.request.start', onRequest),
  };
}

/** What happened between two snapshots: the counts of `after` less those of `before`, zeros left out. */
export function countsBetween(before: CallCounts, after: CallCounts): CallCounts {
  const between: CallCounts = {};
  for (const [name, now] of Object.entries(after)) {
    const then = before[name] ?? { invocations: 0, records: 0, calls: {} };
    const calls = Object.fromEntries(
      Object.entries(now.calls)
        .map(([operation, n]): [string, number] => [operation, n - (then.calls[operation] ?? 0)])
        .filter(([, n]) => n > 0),
    );
    const invocations = now.invocations - then.invocations;
    if (invocations > 0 || Object.keys(calls).length > 0) between[name] = { invocations, records: now.records - then.records, calls };
  }
  return between;
}
