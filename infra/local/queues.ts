import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { functionsOf, type FunctionTable } from '../../functions/functions.ts';
import type { QueueNeed } from '../../functions/lib/runtime/needs.ts';
import type { LocalQueue } from './sqs.ts';

/**
 * The local stand-in for Lambda's SQS event source mapping: for each queue-triggered worker of the
 * function table, its queue is long-polled and the messages handed in batches to the worker's
 * handler, the same code Lambda runs. As in Lambda with `ReportBatchItemFailures`: the messages the
 * handler does not report as failed are deleted; failed ones (all of them, if the handler throws)
 * come back after their visibility timeout, and the queue moves a message to its dead-letter queue
 * after `maxReceiveCount` receives.
 */
export type QueueHandler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse | void>;

export interface QueueWorker {
  readonly name: string;
  readonly queue: QueueNeed;
  readonly batchSize: number;
  readonly invoke: QueueHandler;
}

/** The queue-triggered workers of a function table, with their handler module. */
export function queueWorkersOf(table: FunctionTable) {
  return functionsOf(table).flatMap(({ name, trigger }) =>
    trigger.kind === 'queue' ? [{ name, queue: trigger.queue, batchSize: trigger.batchSize ?? 10, module: `../../functions/${name}/handler.ts` }] : [],
  );
}

export interface QueuePollerOptions {
  readonly sqs: SQSClient;
  readonly queues: Readonly<Record<QueueNeed, LocalQueue>>;
  readonly workers: readonly QueueWorker[];
  readonly region: string;
  readonly log?: (line: string) => void;
}

const IDLE_POLL_MS = 200;

export function startQueuePollers(options: QueuePollerOptions): { stop(): Promise<void> } {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stopping = new AbortController();

  async function pollOnce(worker: QueueWorker): Promise<void> {
    const queue = options.queues[worker.queue];
    const received = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, worker.batchSize),
        // No long polling: local-aws-sqs keeps gathering for the whole wait, even messages whose
        // visibility ended meanwhile (the same message twice in one batch); an idle poller sleeps instead.
        WaitTimeSeconds: 0,
        AttributeNames: ['All'], // local-aws-sqs answers the older name only
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: stopping.signal },
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
      return;
    }
    const records: SQSRecord[] = messages.map((message) => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: message.Attributes?.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      // As Lambda hands them over (a copy's carried attempts, functions/lib/messaging/batch.ts).
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          { dataType: value.DataType ?? 'String', ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }), stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: options.region,
    }));
    let failed: Set<string>;
    try {
      const response = await worker.invoke({ Records: records }, { functionName: worker.name });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      log(`queue worker ${worker.name} failed: ${(error as Error).name}`);
      failed = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length > 0) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
  }

  const loops = options.workers.map(async (worker) => {
    while (!stopping.signal.aborted) {
      try {
        await pollOnce(worker);
      } catch (error) {
        if (stopping.signal.aborted) return;
        log(`queue poller of ${worker.name}: ${(error as Error).name}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  });

  return {
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}
