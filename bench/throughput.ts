import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { caseItemKey } from '#lib/cases/items.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { sampleOf } from '../test/support/forms.ts';
import { compare, rate, type Comparison } from './stats.ts';

/**
 * Submission throughput end to end (HTTP → local gateway → submit handler → local KMS and
 * DynamoDB Local) beside the floor: raw PutItem of an item of the stored case item's size into the
 * same table of the same DynamoDB Local, at the same concurrency, from the same process.
 */

export interface ThroughputResult {
  variant: string;
  concurrency: number;
  requestsPerRound: number;
  /** Submissions per second beside PutItems per second. */
  rate: Comparison;
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
  const submit = (withKey: boolean) => async () => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (withKey) headers['idempotency-key'] = `bench-${process.pid}-${submissionNo++}`;
    const response = await fetch(`${stack.apiUrl}/forms/fischereischein/submissions`, { method: 'POST', headers, body });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`submission answered ${response.status}: ${text}`);
    return JSON.parse(text) as { caseId: string };
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

  const results: ThroughputResult[] = [];
  for (const [variant, withKey] of [
    ['submit with Idempotency-Key', true],
    ['submit without Idempotency-Key', false],
  ] as const) {
    const once = submit(withKey);
    // Warm-up: connections, JIT, DynamoDB Local's caches.
    await rate(options.concurrency * 4, options.concurrency, once);
    await rate(options.concurrency * 4, options.concurrency, put);
    const measured = await compare(
      options.rounds,
      () => rate(options.requests, options.concurrency, once),
      () => rate(options.requests, options.concurrency, put),
    );
    results.push({ variant, concurrency: options.concurrency, requestsPerRound: options.requests, rate: measured, itemBytes: itemSize(stored) });
    options.log(`  ${variant}: ${measured.subject.toFixed(0)}/s beside PutItem ${measured.floor.toFixed(0)}/s`);
  }
  return results;
}
