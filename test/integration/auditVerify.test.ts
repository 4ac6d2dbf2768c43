import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteItemCommand, PutItemCommand, QueryCommand, UpdateTimeToLiveCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createCheckpointStore } from '#lib/audit/checkpointStore.ts';
import { objectKeyOf, parseCheckpoint, signedBytes } from '#lib/audit/checkpoint.ts';
import { eventsBetween } from '#lib/audit/timeIndex.ts';
import { S3_CLIENT_SETTINGS } from '#lib/attachments/s3.ts';
import { createEventLog } from '#lib/cases/events.ts';
import type { CaseEvent } from '#lib/cases/model.ts';
import { newId } from '#lib/cases/store.ts';
import { eventsTable } from '#lib/cases/tables.ts';
import { ensureTables } from '../../infra/local/dynamodb.ts';
import { createCheckpoint } from '../../functions/checkpoint/checkpoint.ts';
import { dynamodb, local, stackInfo } from '../support/api.ts';

// `npm run audit -- verify` against a store of its own (tables and checkpoint bucket in the
// suite's DynamoDB Local and S3, named for this file), sealed by the checkpoint worker with the
// local KMS's audit key; each test tampers with it in one way and restores it afterwards.

const run = promisify(execFile);
const suffix = randomUUID().slice(0, 8);
const names = { cases: `audit-cases-${suffix}`, events: `audit-events-${suffix}`, idempotency: `audit-idem-${suffix}`, attachments: `audit-att-${suffix}`, signIns: `audit-signins-${suffix}` };
/** Checkpoints of this file's store: under `checkpoints/` of a bucket the suite has anyway (the vault; nothing else there lists that prefix). */
let bucket: string;
let ddb: DynamoDBClient;
let s3: S3Client;
let dir: string;
const later = Math.floor(Date.now() / 1000) + 86_400;
const expired = Math.floor(Date.now() / 1000) - 60;
const caseA = newId();
const caseB = newId();
const caseGone = newId();
/** The checkpoint worker's clock: far enough ahead that its checkpoint seals everything written here. */
const workerNow = () => new Date(Date.now() + 10 * 60_000);

async function chainItems(caseId: string): Promise<Record<string, AttributeValue>[]> {
  const result = await ddb.send(new QueryCommand({ TableName: names.events, KeyConditionExpression: 'caseId = :c', ExpressionAttributeValues: { ':c': { S: caseId } }, ConsistentRead: true }));
  return result.Items ?? [];
}

async function verify(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['infra/scripts/audit.ts', 'verify', ...args], { env: { ...process.env, LOCAL_DATA_DIR: dir }, encoding: 'utf8' });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: `${failed.stdout}${failed.stderr}` };
  }
}

const checkpointer = (now: () => Date = workerNow) => {
  const kms = new KMSClient({ ...local(), endpoint: stackInfo().kmsEndpoint });
  return createCheckpoint({
    store: createCheckpointStore(s3, bucket),
    eventsBetween: (from, to) => eventsBetween(ddb, names.events, from, to),
    sign: async (message) => Buffer.from((await kms.send(new SignCommand({ KeyId: stackInfo().auditKeyArn, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature!).toString('base64'),
    keyId: stackInfo().auditKeyArn,
    intervalMinutes: 5,
    now,
  });
};

beforeAll(async () => {
  ddb = dynamodb();
  s3 = new S3Client({ ...S3_CLIENT_SETTINGS, ...local(), endpoint: stackInfo().s3Endpoint });
  await ensureTables(ddb, names);
  // No TTL on this file's events table: DynamoDB Local removes an expired item at a moment of its
  // own choosing (before or after the checkpoint, on a loaded machine), and the tests remove the
  // expired case's events themselves where they mean retention.
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: names.events, TimeToLiveSpecification: { AttributeName: eventsTable.ttlAttribute, Enabled: false } }));
  bucket = stackInfo().buckets.vault;
  const events = createEventLog(ddb, names.events);
  const at = () => new Date().toISOString();
  const write = async (caseId: string, list: Omit<CaseEvent, 'at'>[], expiresAt: number) => {
    for (const event of list) await events.append(caseId, { ...event, at: at() }, expiresAt);
  };
  await write(caseA, [{ type: 'case.received', actor: 'citizen', to: 'received' }, { type: 'case.viewed', actor: 'alice' }, { type: 'case.status_changed', actor: 'alice', from: 'received', to: 'in_review' }, { type: 'case.viewed', actor: 'bob' }], later);
  await write(caseB, [{ type: 'case.received', actor: 'citizen', to: 'received' }, { type: 'case.viewed', actor: 'system:confirmation' }], later);
  await write(caseGone, [{ type: 'case.received', actor: 'citizen', to: 'received' }, { type: 'case.viewed', actor: 'carol' }], expired);
  // The index is eventually consistent: wait until it lists every event written.
  for (;;) {
    const seen = await eventsBetween(ddb, names.events, new Date(Date.now() - 3_600_000).toISOString(), workerNow().toISOString());
    if (seen.length === 8) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect((await checkpointer()()).outcome).toBe('written');
  dir = await mkdtemp(join(tmpdir(), 'audit-verify-'));
  const info = { ...stackInfo(), tables: { ...stackInfo().tables, ...names }, buckets: { ...stackInfo().buckets, checkpoints: bucket } };
  await writeFile(join(dir, 'stack.json'), JSON.stringify(info), { mode: 0o600 });
});

afterAll(async () => {
  for (const { key } of await createCheckpointStore(s3, bucket).all(workerNow())) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  ddb.destroy();
  s3.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** Tampers, runs verify, restores. */
async function tampered(change: () => Promise<() => Promise<void>>): Promise<{ code: number; out: string }> {
  const restore = await change();
  try {
    return await verify();
  } finally {
    await restore();
  }
}

const put = (item: Record<string, AttributeValue>) => ddb.send(new PutItemCommand({ TableName: names.events, Item: item }));
const remove = (item: Record<string, AttributeValue>) => ddb.send(new DeleteItemCommand({ TableName: names.events, Key: { caseId: item.caseId!, eventId: item.eventId! } }));

describe('npm run audit -- verify', () => {
  it('verifies an untouched store, exits 0 and says how many events it skipped for retention', async () => {
    const result = await verify();
    expect(result.code).toBe(0);
    // The expired case's events are verified while they are stored (the retention test removes them).
    const [, verified, skipped] = /^OK: (\d+) event\(s\) verified against 1 checkpoint\(s\); (\d+) skipped, removed by retention/m.exec(result.out) ?? [];
    expect([Number(verified), Number(skipped)]).toEqual([8, 0]);
  });

  it('names a deleted event and exits non-zero', async () => {
    const result = await tampered(async () => {
      const [, second] = await chainItems(caseA);
      await remove(second!);
      return () => put(second!).then(() => undefined);
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`event-deleted: case ${caseA}, event 2`);
  });

  it('names an altered field', async () => {
    const result = await tampered(async () => {
      const [, , third] = await chainItems(caseA);
      await put({ ...third!, actor: { S: 'mallory' } });
      return () => put(third!).then(() => undefined);
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`event-altered: case ${caseA}, event 3`);
  });

  it('names an inserted event', async () => {
    const result = await tampered(async () => {
      const items = await chainItems(caseB);
      const forged = { ...items.at(-1)!, eventId: { S: '0000000003' }, seq: { N: '3' }, actor: { S: 'mallory' } };
      await put(forged);
      return () => remove(forged).then(() => undefined);
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`case ${caseB}, event 3`);
  });

  it('names events stored out of order', async () => {
    const result = await tampered(async () => {
      const [first, second] = await chainItems(caseB);
      await put({ ...first!, eventId: second!.eventId! });
      await put({ ...second!, eventId: first!.eventId! });
      return async () => {
        await put(first!);
        await put(second!);
      };
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`event-reordered: case ${caseB}`);
  });

  it('names an old checkpoint replayed under a new name', async () => {
    const result = await tampered(async () => {
      const { text } = (await createCheckpointStore(s3, bucket).all(workerNow()))[0]!;
      const replayKey = objectKeyOf(parseCheckpoint(text).checkpoint.to);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: replayKey, Body: text }));
      return () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: replayKey })).then(() => undefined);
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain('checkpoint-replayed');
  });

  it('names a checkpoint whose signature was forged with another key', async () => {
    const result = await tampered(async () => {
      const { key, text: original } = (await createCheckpointStore(s3, bucket).all(workerNow()))[0]!;
      const document = parseCheckpoint(original);
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const forged = { ...document, signature: sign('sha256', signedBytes(document.checkpoint), { key: other, dsaEncoding: 'der' }).toString('base64') };
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(forged) }));
      return () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original })).then(() => undefined);
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain('checkpoint-forged');
    expect(result.out).toContain('signature does not verify');
  });

  it('counts events removed with their expired case as retention, not tampering', async () => {
    const result = await tampered(async () => {
      const items = await chainItems(caseGone);
      for (const item of items) await remove(item);
      return async () => {
        for (const item of items) await put(item);
      };
    });
    expect(result).toEqual({ code: 0, out: expect.stringContaining('2 skipped, removed by retention') });
  });

  it('calls the same removal a deletion while the case has not expired', async () => {
    const result = await tampered(async () => {
      const items = await chainItems(caseB);
      for (const item of items) await remove(item);
      return async () => {
        for (const item of items) await put(item);
      };
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`event-deleted: case ${caseB}, event 1`);
    expect(result.out).toContain(`event-deleted: case ${caseB}, event 2`);
  });
});

describe('the checkpoint worker', () => {
  it('writes one checkpoint per start, however often a run is delivered', async () => {
    // Three copies of one run, at one instant far enough ahead that a checkpoint is due whatever the
    // earlier tests sealed (they run at workerNow(), 10 minutes ahead; this is 10 minutes further,
    // two intervals), so the outcome does not depend on where the clock is in its 5-minute interval.
    const at = new Date(workerNow().getTime() + 10 * 60_000);
    const store = createCheckpointStore(s3, bucket);
    const before = await store.all(at);
    const outcomes = await Promise.all([checkpointer(() => at)(), checkpointer(() => at)(), checkpointer(() => at)()]);
    expect(outcomes.filter((outcome) => outcome.outcome === 'written')).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome.outcome === 'written' || outcome.outcome === 'exists' || outcome.outcome === 'up-to-date')).toBe(true);
    const after = await store.all(at);
    expect(after.slice(1)).toEqual(before);
    expect(parseCheckpoint(after[0]!.text).checkpoint.from).toBe(parseCheckpoint(before[0]!.text).checkpoint.to);
    // Delivered once more after the others finished: nothing new.
    expect((await checkpointer(() => at)()).outcome).toBe('up-to-date');
    expect(await store.all(at)).toEqual(after);
  });

  it("the local checkpoint bucket refuses deleting and overwriting, as Object Lock and the bucket policy do in AWS", async () => {
    const checkpoints = stackInfo().buckets.checkpoints;
    const key = `lock-test/${suffix}.json`;
    await s3.send(new PutObjectCommand({ Bucket: checkpoints, Key: key, Body: '{}', IfNoneMatch: '*' }));
    await expect(s3.send(new PutObjectCommand({ Bucket: checkpoints, Key: key, Body: '{"x":1}' }))).rejects.toThrow();
    await expect(s3.send(new PutObjectCommand({ Bucket: checkpoints, Key: key, Body: '{"x":1}', IfNoneMatch: '*' }))).rejects.toThrow();
    await expect(s3.send(new DeleteObjectCommand({ Bucket: checkpoints, Key: key }))).rejects.toThrow();
  });
});
