import { describe, expect, it } from '@jest/globals';
import { GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { lambdaContext as context, submissionEvent } from '../../support/events.ts';
import { formCatalogue, sampleOf } from '../../support/forms.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import { createFormValidator } from '#lib/forms/validation.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import type { IdempotencyStore } from '#lib/submissions/idempotency.ts';
import { createSubmit } from '../../../functions/submit/submit.ts';
import { statusTokens } from '#lib/status/token.ts';

const tokens = statusTokens({ digest: async (...parts) => Buffer.from(parts.join('|').padEnd(32, '.').slice(0, 32)) });

// The submit story with its dependencies failing on purpose: what the citizen gets, and that a
// failure never acknowledges and never leaves an idempotency claim locked.
const forms = formCatalogue();
const data = sampleOf('fischereischein') as unknown;

function fakeKms(behaviour: 'ok' | Error) {
  const calls: string[] = [];
  const client = {
    send: async (command: object) => {
      calls.push(command.constructor.name);
      if (behaviour instanceof Error) throw behaviour;
      if (!(command instanceof GenerateDataKeyCommand)) throw new Error('submit must never call anything but GenerateDataKey');
      return { Plaintext: new Uint8Array(32).fill(7), CiphertextBlob: new Uint8Array(64), KeyId: 'arn:aws:kms:eu-central-1:1:key/k' };
    },
  };
  return { client: client as unknown as KMSClient, calls };
}

function fakeIdempotency() {
  const released: string[] = [];
  const store: IdempotencyStore = {
    claim: async () => ({ kind: 'claimed', pk: 'pk-1', owner: 'me' }),
    completion: () => ({}),
    release: async (pk) => {
      released.push(pk);
    },
  };
  return { store, released };
}

const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

function handlerWith(kms: KMSClient, putNew: CaseStore['putNew'], idempotency: IdempotencyStore) {
  return httpRoute(
    createSubmit({ forms, validator: createFormValidator(), kms, caseKeyId: 'alias/k', cases: { putNew } as CaseStore, idempotency, statusTokens: tokens }),
    { jsonBody: true },
  );
}

const request = (headers: Record<string, string> = {}) => submissionEvent('fischereischein', JSON.stringify({ data }), headers, 'req-1');

describe('submit story', () => {
  it('makes exactly one KMS call, GenerateDataKey, and never Decrypt', async () => {
    const kms = fakeKms('ok');
    const handler = handlerWith(kms.client, async (input) => ({ ...input, reference: 'ABCD-EFGH-JKMN', status: 'received', updatedAt: input.receivedAt, version: 1 }) as never, fakeIdempotency().store);
    const answer = await handler(request(), context);
    expect(answer.statusCode).toBe(201);
    expect(kms.calls).toEqual(['GenerateDataKeyCommand']);
  });

  it('answers 503 and acknowledges nothing when DynamoDB fails, releasing the idempotency claim', async () => {
    const idempotency = fakeIdempotency();
    const handler = handlerWith(fakeKms('ok').client, async () => {
      throw awsError('InternalServerError');
    }, idempotency.store);
    const answer = await handler(request({ 'Idempotency-Key': 'k-1' }), context);
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body).type).toBe('urn:problem:unavailable');
    expect(answer.body).not.toContain('caseId');
    expect(idempotency.released).toEqual(['pk-1']);
  });

  it('answers 503 when KMS fails, before anything is written', async () => {
    let writes = 0;
    const idempotency = fakeIdempotency();
    const handler = handlerWith(fakeKms(awsError('KMSInternalException')).client, async () => {
      writes++;
      throw new Error('unreachable');
    }, idempotency.store);
    const answer = await handler(request({ 'Idempotency-Key': 'k-2' }), context);
    expect(answer.statusCode).toBe(503);
    expect(writes).toBe(0);
    expect(idempotency.released).toEqual(['pk-1']);
  });

  it('answers 429 with Retry-After when a dependency keeps throttling', async () => {
    const handler = handlerWith(fakeKms(awsError('ThrottlingException')).client, async () => {
      throw new Error('unreachable');
    }, fakeIdempotency().store);
    const answer = await handler(request(), context);
    expect(answer.statusCode).toBe(429);
    expect(JSON.parse(answer.body).type).toBe('urn:problem:rate-limited');
    expect(answer.headers?.['Retry-After']).toBe('1');
  });

  it('answers an unexpected bug with 503 and does not leak its message', async () => {
    const handler = handlerWith(fakeKms('ok').client, async () => {
      throw new TypeError('Cannot read properties of undefined (reading Mustermann)');
    }, fakeIdempotency().store);
    const answer = await handler(request(), context);
    expect(answer.statusCode).toBe(503);
    expect(answer.body).not.toContain('Mustermann');
    expect(answer.headers?.['X-Request-Id']).toBe('req-1');
  });

  it('carries the status token of the new case in the 201, and stores no token with the idempotency record', async () => {
    const stored: string[] = [];
    const idempotency: IdempotencyStore = {
      claim: async () => ({ kind: 'claimed', pk: 'pk-1', owner: 'me' }),
      completion: (_pk, _owner, response) => {
        stored.push(response);
        return {};
      },
      release: async () => undefined,
    };
    const putNew: CaseStore['putNew'] = async (input, alsoWrite = () => []) => {
      const summary = { ...input, reference: 'ABCD-EFGH-JKMN', status: 'received', updatedAt: input.receivedAt, version: 1 } as never;
      alsoWrite(summary);
      return summary;
    };
    const answer = await handlerWith(fakeKms('ok').client, putNew, idempotency)(request({ 'Idempotency-Key': 'k-3' }), context);
    expect(answer.statusCode).toBe(201);
    const body = JSON.parse(answer.body);
    expect(body.statusToken).toBe(await tokens.issue(body.caseId));
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain(body.statusToken);
    expect(JSON.parse(stored[0]!)).not.toHaveProperty('statusToken');
  });

  it('answers a replay with the token derived again from the stored case id', async () => {
    const original = { caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NB', reference: 'ABCD-EFGH-JKMN', formId: 'fischereischein', formVersion: 2, status: 'received', receivedAt: '2026-11-27T13:35:10.123Z' };
    const idempotency: IdempotencyStore = { ...fakeIdempotency().store, claim: async () => ({ kind: 'replay', response: JSON.stringify(original) }) };
    const answer = await handlerWith(fakeKms('ok').client, async () => {
      throw new Error('a replay stores nothing');
    }, idempotency)(request({ 'Idempotency-Key': 'k-4' }), context);
    expect(answer.statusCode).toBe(201);
    expect(answer.headers['Idempotent-Replayed']).toBe('true');
    expect(JSON.parse(answer.body)).toEqual({ ...original, statusToken: await tokens.issue(original.caseId) });
  });
});
