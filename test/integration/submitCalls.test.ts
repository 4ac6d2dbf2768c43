import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { countsBetween, EVENT_SOURCES, type CallCounts } from '../../infra/local/callCounts.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { loadForms } from '../support/markedForms.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

// Issue 32: the AWS calls of one submission on its route, counted by the local stack itself
// (LOCAL_COUNT_CALLS, infra/local/callCounts.ts) as `npm run test:load` counts them, on a stack
// without workers (LOCAL_WORKERS=off, `npm run test:load -- --workers off`): what the load test
// measures then is the submission path alone.

const FORMS = loadForms();

describe('the calls of a submission, on a stack without workers', () => {
  let stack: RunningStack | undefined;
  const calls = async (): Promise<CallCounts> => (await (await fetch(`${stack!.info.apiUrl}/_local/calls`)).json()) as CallCounts;
  const submit = (formIndex: number, key?: string) => {
    const form = FORMS[formIndex % FORMS.length]!;
    return fetch(`${stack!.info.apiUrl}/forms/${form.formId}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ data: form.sample }),
    });
  };

  beforeAll(async () => {
    stack = await spawnStack({ LOCAL_DATA_DIR: tempDir('egov-calls-'), LOCAL_WORKERS: 'off', LOCAL_COUNT_CALLS: '1' }, 180_000);
    // A warm container: the HMAC secret fetched once, connections open.
    expect((await submit(0, `warm-${randomUUID()}`)).status).toBe(201);
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    removeTempDirs();
  });

  it('with an Idempotency-Key: the claim, one data key and one transaction, for every form', async () => {
    for (let i = 0; i < FORMS.length; i++) {
      const before = await calls();
      expect((await submit(i, `calls-${randomUUID()}`)).status).toBe(201);
      expect(countsBetween(before, await calls())).toEqual({
        submit: { invocations: 1, records: 1, calls: { 'DynamoDB.PutItem': 1, 'KMS.GenerateDataKey': 1, 'DynamoDB.TransactWriteItems': 1 } },
      });
    }
  });

  it('without: one data key and one transaction', async () => {
    const before = await calls();
    expect((await submit(0)).status).toBe(201);
    expect(countsBetween(before, await calls()).submit?.calls).toEqual({ 'KMS.GenerateDataKey': 1, 'DynamoDB.TransactWriteItems': 1 });
  });

  it('a replay: the claim alone', async () => {
    const key = `replay-${randomUUID()}`;
    expect((await submit(0, key)).status).toBe(201);
    const before = await calls();
    const replay = await submit(0, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(countsBetween(before, await calls()).submit?.calls).toEqual({ 'DynamoDB.PutItem': 1 });
  });

  it('runs no stream or queue poller and no worker: every call since the start is a route\'s', async () => {
    const all = await calls();
    expect(all[EVENT_SOURCES]).toBeUndefined();
    expect(Object.keys(all).sort()).toEqual(['submit']);
  });
});
