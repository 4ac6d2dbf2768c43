import { randomBytes, randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { apiEvent, lambdaContext as context, submissionEvent as citizenSubmission, type ApiRequest } from '../test/support/events.ts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { caseItem, caseItemKey, casePartition, listPartition, readSummary } from '#lib/cases/items.ts';
import { firstReadPerShard } from '#lib/cases/list.ts';
import { LIST_SHARDS } from '#lib/cases/tables.ts';
import { contextOf } from '#lib/cases/integrity.ts';
import { newId } from '#lib/cases/store.ts';
import { kmsContext, type Envelope } from '#lib/crypto/envelope.ts';
import { newReference } from '#lib/cases/reference.ts';
import { localClientConfig } from '../infra/local/dynamodb.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { sampleOf } from '../test/support/forms.ts';
import { compare, rate, type Comparison } from './stats.ts';

/**
 * The clerk paths, each handler invoked in-process as Lambda invokes it (the module the local
 * stack serves, with its own SDK clients), against DynamoDB Local and the local KMS:
 * the first page of an office's list over ≥ 10,000 cases beside one raw Query for a page of the
 * same size and beside the shard Queries the design needs (in parallel, raw), those Queries in
 * parallel beside the same one after another, and a case read (three notes) beside its raw sequence.
 */

export type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export interface Handlers {
  submit: Handler;
  listCases: Handler;
  getCase: Handler;
  updateCase: Handler;
}

export const OFFICE = 'ordnungsamt';

/** The event API Gateway hands a handler; on a clerk route with the claims its Cognito authorizer passes on. */
export function lambdaEvent(request: ApiRequest, clerk = true): APIGatewayProxyEvent {
  return apiEvent({ ...request, requestId: 'bench', ...(clerk ? { clerk: { sub: 'bench-clerk', offices: [OFFICE] } } : {}) });
}

export async function invoke(handler: Handler, event: APIGatewayProxyEvent, expected = 200): Promise<APIGatewayProxyResult> {
  const answer = await handler(event, context);
  if (answer.statusCode !== expected) throw new Error(`${event.resource} answered ${answer.statusCode}: ${answer.body}`);
  return answer;
}

/** Writes `count` case items of the office straight into the table, in the store's item format. */
async function seedCases(dynamodb: DynamoDBClient, table: string, count: number): Promise<void> {
  const start = Date.now() - count * 60_000;
  const envelope: Envelope = {
    v: 1,
    alg: 'AES-256-GCM',
    iv: randomBytes(12),
    tag: randomBytes(16),
    ct: randomBytes(700),
    kid: 'arn:aws:kms:eu-central-1:000000000000:key/seeded',
    edk: randomBytes(184),
  };
  const items: WriteRequest[] = Array.from({ length: count }, (_, i) => {
    const receivedAt = new Date(start + i * 60_000).toISOString();
    const summary = {
      caseId: newId(start + i * 60_000),
      reference: newReference(),
      formId: 'fischereischein',
      formVersion: 2,
      office: OFFICE,
      status: 'received' as const,
      receivedAt,
      updatedAt: receivedAt,
      version: 1,
      delivery: null,
    };
    // Listed only, never read: a random MAC stands in for the one submit computes.
    return { PutRequest: { Item: caseItem(summary, envelope, Math.floor(Date.now() / 1000) + 730 * 86_400, randomBytes(32)) } };
  });
  const batches = Array.from({ length: Math.ceil(count / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  await rate(batches.length, 4, async (i) => {
    let pending: WriteRequest[] = batches[i]!;
    while (pending.length > 0) {
      const result = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = result.UnprocessedItems?.[table] ?? [];
    }
  });
}

export const fixture = (formId: string): Record<string, unknown> => sampleOf(formId);

/** A citizen's submission of the form's valid sample. */
export function submissionEvent(formId: string, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return citizenSubmission(formId, JSON.stringify({ data: fixture(formId) }), headers, 'bench');
}

/** A case submitted through the handler, with three status changes carrying notes. */
export async function caseWithNotes(handlers: Handlers): Promise<string> {
  const submitted = await invoke(handlers.submit, submissionEvent('fischereischein'), 201);
  const caseId = (JSON.parse(submitted.body) as { caseId: string }).caseId;
  let version = 1;
  for (const [status, note] of [
    ['in_review', 'Erste Notiz'],
    ['needs_info', 'Zweite Notiz'],
    ['in_review', 'Dritte Notiz'],
  ]) {
    const answer = await invoke(
      handlers.updateCase,
      lambdaEvent({
        method: 'PATCH',
        resource: '/cases/{caseId}',
        pathParameters: { caseId },
        headers: { 'Content-Type': 'application/json', 'If-Match': `"${version}"` },
        body: JSON.stringify({ status, note }),
      }),
    );
    version = (JSON.parse(answer.body) as { version: number }).version;
  }
  return caseId;
}

export interface ClerkPathsResult {
  seededCases: number;
  /** Milliseconds per first page (25 cases) beside one raw Query of 25 items. */
  list: Comparison;
  /** Milliseconds per first page beside the Queries the design needs: each shard's first read, in parallel, raw. */
  listShards: Comparison;
  /** Those shard Queries in parallel beside the same Queries one after another: what DynamoDB Local serialises. */
  shardsInParallel: Comparison;
  /** The Limit of each shard's first read (firstReadPerShard(25)). */
  perShard: number;
  /** Milliseconds per case read (three notes) beside GetItem + Decrypt (the first round's floor, kept for continuity). */
  read: Comparison;
  /**
   * Milliseconds per case read (three notes) beside its minimal sequence of raw calls: the Query of
   * the case and its notes, then KMS Decrypt and the audit PutItem at once.
   */
  readSequence: Comparison;
  callsPerSample: number;
}

export async function clerkPaths(options: {
  stack: StackInfo;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  handlers: Handlers;
  cases: number;
  pairs: number;
  callsPerSample: number;
  log: (line: string) => void;
}): Promise<ClerkPathsResult> {
  const { stack, dynamodb, kms, handlers } = options;
  const started = performance.now();
  // Its own client: the handlers' one gives up after 1.5 s, which a busy DynamoDB Local can exceed.
  const seeder = new DynamoDBClient(localClientConfig(stack.dynamodbEndpoint, stack.credentials));
  await seedCases(seeder, stack.tables.cases, options.cases);
  seeder.destroy();
  options.log(`  seeded ${options.cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const msPer = async (work: () => Promise<unknown>) => {
    const begin = performance.now();
    for (let i = 0; i < options.callsPerSample; i++) await work();
    return (performance.now() - begin) / options.callsPerSample;
  };

  const firstPage = lambdaEvent({ resource: '/cases' });
  const listPage = async () => {
    const page = JSON.parse((await invoke(handlers.listCases, firstPage)).body) as { items: unknown[] };
    if (page.items.length !== 25) throw new Error(`the first page holds ${page.items.length} cases`);
  };
  // One Query of a page's 25 items on one list-index partition (no filter): the floor issue 31 names.
  const rawQuery = () => rawListQuery(0, 25, { filtered: false, expect: 25 });
  // The floor the design needs: the first read of each write shard (the Queries createCaseList
  // sends, with the same Limit and expiry filter), issued in parallel, raw.
  const perShard = firstReadPerShard(25);
  const shards = [...Array(LIST_SHARDS).keys()];
  const rawShardsParallel = () => Promise.all(shards.map((shard) => rawListQuery(shard, perShard)));
  // The same Queries one after another: beside the parallel ones, whether DynamoDB Local serves
  // parallel Queries at once (ratio near 1 / LIST_SHARDS) or one after another (near 1).
  const rawShardsInTurn = async () => {
    for (const shard of shards) await rawListQuery(shard, perShard);
  };
  async function rawListQuery(shard: number, limit: number, { filtered = true, expect = 1 } = {}): Promise<void> {
    const { index, attribute, value } = listPartition({ office: OFFICE }, shard);
    const expiry = filtered ? { FilterExpression: '#expires > :now' } : {};
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: stack.tables.cases,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ...expiry,
        ExpressionAttributeNames: { '#pk': attribute, ...(filtered ? { '#expires': 'expiresAt' } : {}) },
        ExpressionAttributeValues: { ':pk': { S: value }, ...(filtered ? { ':now': { N: String(Math.floor(Date.now() / 1000)) } } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    if ((page.Items?.length ?? 0) < expect) throw new Error('the raw page is short');
  }
  for (const work of [listPage, rawQuery, rawShardsParallel, rawShardsInTurn]) await msPer(work);
  const list = await compare(options.pairs, () => msPer(listPage), () => msPer(rawQuery));
  options.log(`  list: ${list.subject.toFixed(2)} ms beside Query ${list.floor.toFixed(2)} ms`);
  const listShards = await compare(options.pairs, () => msPer(listPage), () => msPer(rawShardsParallel));
  options.log(`  list: ${listShards.subject.toFixed(2)} ms beside its ${LIST_SHARDS} shard Queries in parallel ${listShards.floor.toFixed(2)} ms`);
  const shardsInParallel = await compare(options.pairs, () => msPer(rawShardsParallel), () => msPer(rawShardsInTurn));
  options.log(`  ${LIST_SHARDS} shard Queries in parallel ${shardsInParallel.subject.toFixed(2)} ms, one after another ${shardsInParallel.floor.toFixed(2)} ms`);

  const caseId = await caseWithNotes(handlers);
  const readEvent = lambdaEvent({ resource: '/cases/{caseId}', pathParameters: { caseId } });
  const readCase = () => invoke(handlers.getCase, readEvent);
  const rawRead = async () => {
    const item = (await dynamodb.send(new GetItemCommand({ TableName: stack.tables.cases, Key: caseItemKey(caseId), ConsistentRead: true }))).Item;
    const envelope = item?.envelope?.M;
    if (!item || !envelope?.edk?.B) throw new Error('the case is not stored');
    const { Plaintext } = await kms.send(
      new DecryptCommand({ CiphertextBlob: envelope.edk.B, KeyId: stack.caseKeyArn, EncryptionContext: kmsContext(contextOf(readSummary(item))) }),
    );
    Plaintext?.fill(0);
  };
  // What a read must do, with raw calls: one Query (case item and notes), then Decrypt ∥ PutItem.
  const rawSequence = async () => {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: stack.tables.cases,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :case)',
        ExpressionAttributeValues: { ':pk': casePartition(caseId), ':case': { S: 'CASE' } },
        ConsistentRead: true,
      }),
    );
    const item = page.Items?.find((candidate) => candidate.sk?.S === 'CASE');
    const envelope = item?.envelope?.M;
    if (!item || !envelope?.edk?.B || page.Items?.length !== 4) throw new Error('the case and its three notes are not stored');
    const at = new Date().toISOString();
    const [{ Plaintext }] = await Promise.all([
      kms.send(new DecryptCommand({ CiphertextBlob: envelope.edk.B, KeyId: stack.caseKeyArn, EncryptionContext: kmsContext(contextOf(readSummary(item))) })),
      dynamodb.send(
        new PutItemCommand({
          TableName: stack.tables.events,
          Item: {
            caseId: { S: caseId },
            eventId: { S: `BENCH-${randomUUID()}` },
            at: { S: at },
            type: { S: 'case.viewed' },
            actor: { S: 'bench-clerk' },
            expiresAt: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
          },
          ConditionExpression: 'attribute_not_exists(eventId)',
        }),
      ),
    ]);
    Plaintext?.fill(0);
  };
  await msPer(readCase);
  await msPer(rawRead);
  await msPer(rawSequence);
  const read = await compare(options.pairs, () => msPer(readCase), () => msPer(rawRead));
  options.log(`  read: ${read.subject.toFixed(2)} ms beside GetItem + Decrypt ${read.floor.toFixed(2)} ms`);
  const readSequence = await compare(options.pairs, () => msPer(readCase), () => msPer(rawSequence));
  options.log(`  read: ${readSequence.subject.toFixed(2)} ms beside Query, then Decrypt ∥ PutItem ${readSequence.floor.toFixed(2)} ms`);

  return { seededCases: options.cases, list, listShards, shardsInParallel, perShard, read, readSequence, callsPerSample: options.callsPerSample };
}
