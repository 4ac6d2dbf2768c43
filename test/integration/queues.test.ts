import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { functions, type FunctionTable } from '../../functions/functions.ts';
import { QUEUES } from '#lib/messaging/queues.ts';
import { QUEUE_NEEDS } from '#lib/runtime/needs.ts';
import { queueWorkersOf, startQueuePollers, type QueueHandler } from '../../infra/local/queues.ts';
import { startLocalSqs, type LocalSqs } from '../../infra/local/sqs.ts';
import { call, local } from '../support/api.ts';
import { sampleOf, formCatalogue } from '../support/forms.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

/**
 * The queues of the local stack: a received case reaches every queue as its id only; the local
 * SQS (with its journal) and the pollers behave as SQS and Lambda's SQS trigger do: failed messages
 * come back, end in the dead-letter queue after maxReceiveCount, and survive a restart.
 */
const REGION = 'eu-central-1';
const credentials = () => local().credentials;

async function until<T>(probe: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  for (const started = Date.now(); ; ) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let dataDir: string;
let sqs: LocalSqs | undefined;
let client: SQSClient;

beforeAll(() => {
  dataDir = tempDir('egov-queues-');
});

afterAll(async () => {
  client?.destroy();
  await sqs?.close();
  removeTempDirs();
});

async function startSqs(): Promise<LocalSqs> {
  sqs = await startLocalSqs({ dataDir, region: REGION, visibilityTimeoutSeconds: 1 });
  client?.destroy();
  client = new SQSClient({ region: REGION, endpoint: sqs.endpoint, credentials: credentials() });
  return sqs;
}

const depth = async (url: string) => {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
};

describe('a received case on the queues', () => {
  it('becomes one message per queue carrying its case id only (the dispatch worker on the events stream)', async () => {
    const formId = formCatalogue().all()[0]!.id;
    const answer = await call('POST', `/forms/${formId}/submissions`, { body: { data: sampleOf(formId) } });
    expect(answer.status).toBe(201);
    const journal = join(dirname(process.env.EGOV_STACK_FILE ?? ''), 'sqs-journal.jsonl');
    const sends = await until(() => {
      const mine = readFileSync(journal, 'utf8')
        .split('\n')
        .filter((line) => line.includes(answer.body.caseId))
        .map((line) => JSON.parse(line) as { op: string; queue: string; body: string });
      return mine.filter((entry) => entry.op === 'send').length >= QUEUE_NEEDS.length ? mine.filter((entry) => entry.op === 'send') : undefined;
    });
    expect(sends.map((entry) => entry.queue.split('-').at(-1)).sort()).toEqual([...QUEUE_NEEDS].sort());
    for (const entry of sends) expect(JSON.parse(entry.body)).toEqual({ caseId: answer.body.caseId });
  });
});

describe('the local queues and their pollers', () => {
  it('derive the queue workers from the function table', () => {
    const table: FunctionTable = { ...functions, listEvents: { trigger: { kind: 'queue', queue: 'deliveries', batchSize: 3 }, needs: {} } };
    expect(queueWorkersOf(table)).toContainEqual({ name: 'listEvents', queue: 'deliveries', batchSize: 3, module: '../../functions/listEvents/handler.ts' });
  });

  it('delete what the worker handled, bring back what failed, and move it to the dead-letter queue after maxReceiveCount receives', async () => {
    const { queues } = await startSqs();
    const receives = new Map<string, number[]>();
    const invoke: QueueHandler = async (event: SQSEvent) => {
      for (const record of event.Records) receives.set(record.body, [...(receives.get(record.body) ?? []), Number(record.attributes.ApproximateReceiveCount)]);
      return { batchItemFailures: event.Records.filter((record) => record.body.includes('fails')).map((record) => ({ itemIdentifier: record.messageId })) };
    };
    const pollers = startQueuePollers({ sqs: client, queues, workers: [{ name: 'test', queue: 'confirmations', batchSize: 10, invoke }], region: REGION, log: () => undefined });
    try {
      await client.send(new SendMessageCommand({ QueueUrl: queues.confirmations.url, MessageBody: 'works' }));
      await client.send(new SendMessageCommand({ QueueUrl: queues.confirmations.url, MessageBody: 'fails' }));
      const max = QUEUES.confirmations.maxReceiveCount;
      await until(async () => (await depth(queues.confirmations.deadLetterUrl)) === 1, 60_000);
      expect(receives.get('works')).toEqual([1]);
      expect(receives.get('fails')).toEqual(Array.from({ length: max }, (_, index) => index + 1));
      expect(await depth(queues.confirmations.url)).toBe(0);
    } finally {
      await pollers.stop();
    }
  }, 90_000);

  it('keep a message that was not handled across a restart of the local SQS', async () => {
    const before = sqs ?? (await startSqs());
    await client.send(new SendMessageCommand({ QueueUrl: before.queues.deliveries.url, MessageBody: 'kept' }));
    await before.close();
    const { queues } = await startSqs();
    const seen: string[] = [];
    const pollers = startQueuePollers({
      sqs: client,
      queues,
      workers: [{ name: 'test', queue: 'deliveries', batchSize: 10, invoke: async (event) => void seen.push(...event.Records.map((record) => record.body)) }],
      region: REGION,
      log: () => undefined,
    });
    try {
      await until(() => seen.includes('kept'));
      await until(async () => (await depth(queues.deliveries.url)) === 0);
      expect(seen).toEqual(['kept']);
    } finally {
      await pollers.stop();
    }
  }, 60_000);
});
