import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { caseWithNotes, invoke, lambdaEvent, submissionEvent, type Handlers } from './clerkPaths.ts';
import { spread } from './stats.ts';

/**
 * Calls per operation, counted by a middleware on the very SDK clients the handlers use (the
 * module-level clients of functions/lib/clients.ts), each with its duration: what an operation's
 * time against its floor is made of. `npm test` asserts the KMS counts (test/unit/submit.test.ts,
 * test/integration/clerkCalls.test.ts); this prints them all.
 */

export interface Clients {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  secretsManager: SecretsManagerClient;
}

/** Per client, each call the operation made: the command and how long it took (ms). */
export type CallCounts = Record<keyof Clients, { command: string; ms: number }[]>;

async function counted(clients: Clients, work: () => Promise<unknown>): Promise<CallCounts> {
  const calls: CallCounts = { dynamodb: [], kms: [], secretsManager: [] };
  const name = 'benchCallCounter';
  for (const key of Object.keys(calls) as (keyof Clients)[]) {
    const stack = clients[key].middlewareStack as DynamoDBClient['middlewareStack'];
    stack.add(
      (next, context) => async (args) => {
        const started = performance.now();
        try {
          return await next(args);
        } finally {
          calls[key].push({ command: String(context.commandName).replace(/Command$/, ''), ms: performance.now() - started });
        }
      },
      { step: 'initialize', name },
    );
  }
  try {
    await work();
  } finally {
    for (const client of Object.values(clients) as Clients[keyof Clients][]) client.middlewareStack.remove(name);
  }
  return calls;
}

export interface CallsResult {
  operation: string;
  /** Median ms of the whole operation (the handler invoked in-process), over the five runs. */
  ms: number;
  calls: CallCounts;
}

export async function callsPerOperation(options: { clients: Clients; handlers: Handlers }): Promise<CallsResult[]> {
  const { clients, handlers } = options;
  const caseId = await caseWithNotes(handlers);
  const operations: [string, () => Promise<unknown>][] = [
    ['submit (with Idempotency-Key)', () => invoke(handlers.submit, submissionEvent('fischereischein', { 'Idempotency-Key': `calls-${randomUUID()}` }), 201)],
    ['submit (without)', () => invoke(handlers.submit, submissionEvent('fischereischein'), 201)],
    ['case read (3 notes)', () => invoke(handlers.getCase, lambdaEvent({ resource: '/cases/{caseId}', pathParameters: { caseId } }))],
    ['list, first page', () => invoke(handlers.listCases, lambdaEvent({ resource: '/cases' }))],
  ];
  const results: CallsResult[] = [];
  for (const [operation, work] of operations) {
    // A warm container (the HMAC secret fetched, connections open), then five runs: the calls are
    // the same each time; each call's duration is the median of its five.
    await work();
    const runs: CallCounts[] = [];
    const durations: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      runs.push(await counted(clients, work));
      durations.push(performance.now() - started);
    }
    const first = runs[0]!;
    const calls = Object.fromEntries(
      (Object.keys(first) as (keyof Clients)[]).map((key) => [
        key,
        first[key].map((call, i) => ({ command: call.command, ms: spread(runs.map((run) => run[key][i]?.ms ?? Number.NaN)).median })),
      ]),
    ) as CallCounts;
    results.push({ operation, ms: spread(durations).median, calls });
  }
  return results;
}
