// Plaintext lives only in memory (ARCHITECTURE.md, principle 5): no form value, note, bearer token
// or Idempotency-Key reaches a log line, on any path, failures included. Two vantage points:
// handlers run in this process (their Powertools log lines captured from stdout/stderr), and the
// suite's local stack (its whole output, which the global setup copies to a file; the global
// teardown checks it once more against every marker any suite planted).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { lambdaContext as context, submissionEvent } from '../support/events.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { createFormValidator } from '#lib/forms/validation.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import type { IdempotencyStore } from '#lib/submissions/idempotency.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { logger } from '#lib/runtime/logger.ts';
import { createSubmit } from '../../functions/submit/submit.ts';
import { statusTokens } from '#lib/status/token.ts';
import { call, dynamodb, fixture, stackInfo } from '../support/api.ts';
import { capturedOutput } from '../support/logCapture.ts';
import { leaksIn, newMarker, plantMarkers, plantToken } from '../support/markers.ts';
import { mintToken } from '../../infra/local/tokens.ts';
import { until } from '../support/waiting.ts';

const STACK_OUTPUT_FILE = 'stack-output.log';

function plant(prefix = 'Lk'): string {
  const marker = newMarker(prefix);
  plantMarkers([marker]);
  return marker;
}

function application(marker: string): Record<string, unknown> {
  const data = structuredClone(fixture('fischereischein')) as { applicant: Record<string, unknown> };
  data.applicant.familyName = marker;
  return data;
}

// ---- in process -------------------------------------------------------------------------------

const forms = loadFormCatalogue(new URL('../../schemas/forms', import.meta.url).pathname);

const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 500 } });

function submitHandler(behaviour: { kms?: Error; store?: Error }, marker: string) {
  const kms = {
    send: async (command: object) => {
      if (behaviour.kms) throw behaviour.kms;
      if (!(command instanceof GenerateDataKeyCommand)) throw new Error('unexpected command');
      return { Plaintext: new Uint8Array(32).fill(1), CiphertextBlob: new Uint8Array(64), KeyId: 'arn:aws:kms:eu-central-1:1:key/k' };
    },
  } as unknown as KMSClient;
  const cases = {
    putNew: async () => {
      if (behaviour.store) throw behaviour.store;
      return { caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NB', reference: 'ABCD-EFGH-JKMN', receivedAt: new Date().toISOString() };
    },
  } as unknown as CaseStore;
  const idempotency: IdempotencyStore = {
    claim: async () => ({ kind: 'claimed', pk: `pk-${marker}`, owner: marker }),
    completion: () => ({}),
    release: async () => {
      throw sdkError('InternalServerError', `release failed for ${marker}`);
    },
  };
  return httpRoute(createSubmit({ forms, validator: createFormValidator(), kms, caseKeyId: 'alias/k', cases, idempotency, statusTokens: statusTokens({ digest: async () => Buffer.alloc(32, 3) }) }), { jsonBody: true });
}

const submission = (body: string, headers: Record<string, string> = {}) => submissionEvent('fischereischein', body, headers, 'leak-test');

describe('log lines of handlers running in this process', () => {
  it('are captured: a marker the logger is handed shows up (the check can fail)', async () => {
    const marker = newMarker('Cn');
    const output = await capturedOutput(async () => logger.warn('canary', { value: marker }));
    expect(leaksIn(output, [marker])).toEqual([marker]);
  });

  it('hold no form value, Idempotency-Key or error message quoting them, on any failure of a submission', async () => {
    const marker = plant();
    const key = plant('Ik');
    const data = application(marker);
    const body = JSON.stringify({ data });
    const statuses: number[] = [];
    const output = await capturedOutput(async () => {
      const send = async (behaviour: Parameters<typeof submitHandler>[0], event: APIGatewayProxyEvent) =>
        statuses.push((await submitHandler(behaviour, marker)(event, context)).statusCode);
      // dependency failures whose messages quote the request, as SDK errors can
      await send({ kms: sdkError('KMSInternalException', `failed on ${marker}`) }, submission(body, { 'Idempotency-Key': key }));
      await send({ kms: sdkError('ThrottlingException', `throttled ${marker}`) }, submission(body));
      await send({ store: sdkError('TransactionCanceledException', `Transaction cancelled ${JSON.stringify(data)}`) }, submission(body, { 'Idempotency-Key': key }));
      // a bug: an unexpected error whose message quotes data, over several lines
      await send({ store: new TypeError(`Cannot read properties of undefined (reading '${marker}')\n    at ${marker} (data.ts:1:1)\n${marker}`) }, submission(body));
      await send({ store: new RangeError('Maximum call stack size exceeded') }, submission(body));
      // refused input
      await send({}, submission(`{"data": {"applicant": "${marker}"`));
      await send({}, submission(JSON.stringify({ data: { ...data, unexpected: marker, licenceType: marker } }), { 'Accept-Language': marker }));
      await send({}, submission(JSON.stringify({ data, [marker]: 1 })));
      await send({}, submission(body, { 'Idempotency-Key': `${key} with spaces` }));
      await send({}, submission(body, { 'Content-Type': `text/${marker}` }));
    });
    expect(statuses).toEqual([503, 429, 503, 503, 503, 400, 422, 400, 400, 415]);
    expect(output).toContain('dependency failed'); // the failures were logged, by name
    expect(leaksIn(output, [marker, key])).toEqual([]);
  });
});

// ---- the local stack --------------------------------------------------------------------------

describe("the local stack's log", () => {
  it('holds none of the form values, notes, tokens and keys of a clerk’s working day, failures included', async () => {
    const { apiUrl, dataDir, tables } = stackInfo();
    const marker = plant();
    const key = plant('Ik');
    const note = plant('Nt');
    const token = await mintToken(dataDir, { sub: 'leak-auditor', offices: ['ordnungsamt'] });
    plantToken(token);
    const auth = { authorization: `Bearer ${token}` };
    const data = application(marker);

    const created = await call('POST', '/forms/fischereischein/submissions', { body: { data }, headers: { 'idempotency-key': key } });
    expect(created.status).toBe(201);
    const replayed = await call('POST', '/forms/fischereischein/submissions', { body: { data }, headers: { 'idempotency-key': key } });
    expect(replayed.status).toBe(201);
    const reused = await call('POST', '/forms/fischereischein/submissions', { body: { data: application(plant()) }, headers: { 'idempotency-key': key } });
    expect(reused.status).toBe(422);
    const invalid = await call('POST', '/forms/fischereischein/submissions', { body: { data: { ...data, extra: marker } } });
    expect(invalid.status).toBe(422);
    const broken = await call('POST', '/forms/fischereischein/submissions', { raw: `{"data": "${marker}`, headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);

    const { caseId } = created.body as { caseId: string };
    const read = await call('GET', `/cases/${caseId}`, { headers: auth });
    expect(read.status).toBe(200);
    const changed = await call('PATCH', `/cases/${caseId}`, { body: { status: 'in_review', note }, headers: { ...auth, 'if-match': '"1"' } });
    expect(changed.status).toBe(200);
    const stale = await call('PATCH', `/cases/${caseId}`, { body: { status: 'approved', note }, headers: { ...auth, 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    const forged = await call('GET', `/cases/${caseId}`, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    expect(forged.status).toBe(401);

    // A tampered case: the integrity error is logged, with the case id and nothing of its data.
    const client = dynamodb();
    const caseKey = { pk: { S: `CASE#${caseId}` }, sk: { S: 'CASE' } };
    const item = (await client.send(new GetItemCommand({ TableName: tables.cases, Key: caseKey }))).Item!;
    const ct = Buffer.from(item.envelope!.M!.ct!.B!);
    ct[0]! ^= 0x01;
    await client.send(new UpdateItemCommand({ TableName: tables.cases, Key: caseKey, UpdateExpression: 'SET envelope.ct = :ct', ExpressionAttributeValues: { ':ct': { B: ct } } }));
    client.destroy();
    const tampered = await call('GET', `/cases/${caseId}`, { headers: auth });
    expect(tampered.status).toBe(500);

    // The gateway runs the handlers in the stack's process: its log is copied as it comes. The
    // integrity error is logged, naming the case; the whole log so far is then checked.
    const output = await until('the integrity error naming the case in the stack log', () => {
      const copied = readFileSync(join(dataDir, STACK_OUTPUT_FILE), 'utf8');
      return copied.includes(caseId) ? copied : undefined;
    });
    expect(apiUrl).toBeTruthy();
    expect(leaksIn(output, [marker, key, note, ...token.split('.').slice(1)])).toEqual([]);
  });
});
