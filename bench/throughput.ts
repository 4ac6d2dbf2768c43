import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { caseItemKey } from '#lib/cases/items.ts';
import { newReference } from '#lib/cases/reference.ts';
import { newId } from '#lib/cases/store.ts';
import { localClientConfig } from '../infra/local/dynamodb.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { sampleOf } from '../test/support/forms.ts';
import { keepAlivePoster } from './keepAlivePoster.ts';
import { compare, rate, type Comparison } from './stats.ts';

/**
 * Submission throughput end to end (HTTP → local gateway → submit handler → local KMS and
 * DynamoDB Local) beside two floors, each at the same concurrency, from the same process, against
 * the same DynamoDB Local: raw PutItem of an item of the stored case item's size (one plain write),
 * and the very writes a submission makes, replayed raw (the TransactWriteItems of the same items,
 * preceded by the claim PutItem when the submission carries an Idempotency-Key), which separates our
 * overhead from the data model's writes.
 */

export interface ThroughputResult {
  variant: string;
  concurrency: number;
  requestsPerRound: number;
  /** Submissions per second beside PutItems per second. */
  rate: Comparison;
  /** Submissions per second beside raw replays of the same writes per second. */
  writesRate: Comparison;
  /** The raw writes one submission makes, e.g. `PutItem + TransactWriteItems(4)`. */
  writes: string;
  /** Bytes of the stored case item (the floor writes items of this size). */
  itemBytes: number;
}

/** DynamoDB's item size: attribute names plus values (close enough for S, N, B and maps of them). */
function itemSize(item: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (value.S !== undefined) bytes += Buffer.byteLength(value.S);
    else if (value.N !== undefined) bytes += value.N.length;
    else if (value.B !== undefined) bytes += value.B.length;
    else if (value.M !== undefined) bytes += 3 + itemSize(value.M);
  }
  return bytes;
}

export async function throughput(options: {
  stack: StackInfo;
  dynamodb: DynamoDBClient;
  rounds: number;
  requests: number;
  concurrency: number;
  log: (line: string) => void;
}): Promise<ThroughputResult[]> {
  const { stack, dynamodb } = options;
  const body = JSON.stringify({ data: sampleOf('fischereischein') });
  let submissionNo = 0;
  // At most one kept-alive connection per request in flight (bench/keepAlivePoster.ts: not `fetch`).
  const client = keepAlivePoster(options.concurrency);
  const submit = (withKey: boolean) => async () => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (withKey) headers['idempotency-key'] = `bench-${process.pid}-${submissionNo++}`;
    const { status, text } = await client.post(`${stack.apiUrl}/forms/fischereischein/submissions`, headers, body);
    if (status !== 201) throw new Error(`submission answered ${status}: ${text}`);
    return JSON.parse(text) as { caseId: string; reference?: string };
  };

  // The floor item: the stored case item, byte for byte, under a fresh key and with the list-index
  // keys renamed (same length) so that it lands in the base table only, as one plain write would.
  const { caseId } = await submit(false)();
  const stored = (await dynamodb.send(new GetItemCommand({ TableName: stack.tables.cases, Key: caseItemKey(caseId) }))).Item;
  if (!stored) throw new Error('the submitted case is not stored');
  const template = Object.fromEntries(Object.entries(stored).map(([name, value]) => [name.replace(/^gsi/, 'xsi'), value]));
  let putNo = 0;
  const put = async () =>
    dynamodb.send(
      new PutItemCommand({
        TableName: stack.tables.cases,
        Item: { ...template, pk: { S: `BENCH#${process.pid}-${String(putNo++).padStart(9, '0')}` } },
      }),
    );

  // The replay's own client: the handlers' one retries after 1.5 s, and a retried conditional put
  // of its own item fails; the submissions' retries are idempotent by design, the replay's are not.
  const replayer = new DynamoDBClient(localClientConfig(stack.dynamodbEndpoint, stack.credentials));
  const replayOf = capturedWrites(dynamodb, replayer, submit);

  const results: ThroughputResult[] = [];
  for (const [variant, withKey] of [
    ['submit with Idempotency-Key', true],
    ['submit without Idempotency-Key', false],
  ] as const) {
    const once = submit(withKey);
    const replay = await replayOf(withKey);
    // Warm-up: connections, JIT, DynamoDB Local's caches.
    await rate(options.concurrency * 4, options.concurrency, once);
    await rate(options.concurrency * 4, options.concurrency, put);
    await rate(options.concurrency * 4, options.concurrency, replay.send);
    const measured = await compare(
      options.rounds,
      () => rate(options.requests, options.concurrency, once),
      () => rate(options.requests, options.concurrency, put),
    );
    const writesRate = await compare(
      options.rounds,
      () => rate(options.requests, options.concurrency, once),
      () => rate(options.requests, options.concurrency, replay.send),
    );
    results.push({
      variant,
      concurrency: options.concurrency,
      requestsPerRound: options.requests,
      rate: measured,
      writesRate,
      writes: replay.writes,
      itemBytes: itemSize(stored),
    });
    options.log(
      `  ${variant}: ${measured.subject.toFixed(0)}/s beside PutItem ${measured.floor.toFixed(0)}/s; ` +
        `${writesRate.subject.toFixed(0)}/s beside ${replay.writes} ${writesRate.floor.toFixed(0)}/s`,
    );
  }
  replayer.destroy();
  client.destroy();
  return results;
}

type Json = unknown;

/** `value` with every string's occurrences of the keys of `tokens` replaced (Uint8Arrays kept as they are). */
function substituted(value: Json, tokens: Map<string, string>): Json {
  if (typeof value === 'string') {
    let text = value;
    for (const [from, to] of tokens) text = text.replaceAll(from, to);
    return text;
  }
  if (Array.isArray(value)) return value.map((child) => substituted(child, tokens));
  if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, substituted(child, tokens)]));
}

interface WriteCall {
  command: 'PutItem' | 'TransactWriteItems';
  input: Record<string, unknown>;
}

/**
 * The DynamoDB writes one submission makes, captured on the handlers' own client while one is
 * submitted, and a raw replay of them: the same items, the same conditions and index attributes,
 * only the keys renewed each time (case id, reference, event id, idempotency digest), so that every
 * conditional put succeeds as the submission's did.
 */
function capturedWrites(
  dynamodb: DynamoDBClient,
  replayer: DynamoDBClient,
  submit: (withKey: boolean) => () => Promise<{ caseId: string; reference?: string }>,
): (withKey: boolean) => Promise<{ send: () => Promise<void>; writes: string }> {
  return async (withKey) => {
    const calls: WriteCall[] = [];
    const name = 'benchWriteCapture';
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName).replace(/Command$/, '');
        if (command === 'PutItem' || command === 'TransactWriteItems') calls.push({ command, input: structuredClone(args.input as Record<string, unknown>) });
        return next(args);
      },
      { step: 'initialize', name },
    );
    let answer: { caseId: string; reference?: string };
    try {
      answer = await submit(withKey)();
    } finally {
      dynamodb.middlewareStack.remove(name);
    }
    const transaction = calls.find((call) => call.command === 'TransactWriteItems');
    if (!transaction || answer.reference === undefined) throw new Error('the submission wrote no transaction');
    const items = transaction.input.TransactItems as { Put?: { Item: Record<string, AttributeValue> }; Update?: { Key: Record<string, AttributeValue> } }[];
    const eventId = items.map((item) => item.Put?.Item.eventId?.S).find((id) => id !== undefined);
    const claim = calls.find((call) => call.command === 'PutItem')?.input.Item as Record<string, AttributeValue> | undefined;
    const idempotencyDigest = claim?.pk?.S;

    const send = async () => {
      const tokens = new Map<string, string>([
        [answer.caseId, newId()],
        [answer.reference!, newReference()],
      ]);
      if (eventId !== undefined) tokens.set(eventId, newId());
      if (idempotencyDigest !== undefined) tokens.set(idempotencyDigest, randomBytes(32).toString('base64url').slice(0, idempotencyDigest.length));
      for (const call of calls) {
        const input = substituted(call.input, tokens) as never;
        if (call.command === 'PutItem') await replayer.send(new PutItemCommand(input));
        else await replayer.send(new TransactWriteItemsCommand(input));
      }
    };
    const writes = calls.map((call) => (call.command === 'PutItem' ? 'PutItem' : `TransactWriteItems(${(call.input.TransactItems as unknown[]).length})`)).join(' + ');
    return { send, writes };
  };
}
