import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../runtime/logger.ts';
import { parseCaseMessage, type CaseMessage } from './message.ts';

/** SQS keeps a message invisible for at most 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

/** Thrown by a worker to have its message come back after `seconds` (exponential backoff), not after the queue's default. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
  readonly seconds: number;
  constructor(seconds: number, options?: { cause?: unknown }) {
    super(`retry in ${seconds} s`, options);
    this.seconds = seconds;
  }
}

export function retryAfter(seconds: number, cause?: unknown): RetryLater {
  return new RetryLater(Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(seconds))), { cause });
}

/** How often this message has been received, this time included (1 on the first attempt). */
export function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

export type HandleCaseMessage = (message: CaseMessage, record: SQSRecord) => Promise<void>;

export interface QueueWorkerOptions {
  readonly sqs: Pick<SQSClient, 'send'>;
  /** The URL of the queue the worker consumes (for `retryAfter`). */
  readonly queueUrl: string;
}

/**
 * A queue worker as Lambda's SQS trigger runs it: the messages of a batch are handled concurrently,
 * each on its own; a message that fails is reported in `batchItemFailures` (so only it comes back),
 * after its visibility was set if the worker asked for a pause. A body that is no case message is
 * reported too: it goes on failing until it lands in the dead-letter queue, where the alarm shows it.
 */
export function queueWorker(handleOne: HandleCaseMessage, options: QueueWorkerOptions): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const outcomes = await Promise.all(
      event.Records.map(async (record) => {
        try {
          await handleOne(parseCaseMessage(record.body), record);
          return undefined;
        } catch (error) {
          logger.warn('queue message failed', { messageId: record.messageId, receiveCount: receiveCountOf(record), error: nameOf(error) });
          if (error instanceof RetryLater) await pause(options, record, error.seconds);
          return { itemIdentifier: record.messageId };
        }
      }),
    );
    return { batchItemFailures: outcomes.filter((failure) => failure !== undefined) };
  };
}

async function pause(options: QueueWorkerOptions, record: SQSRecord, seconds: number): Promise<void> {
  try {
    await options.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: options.queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
  } catch (error) {
    // The message still comes back, after the queue's default visibility timeout.
    logger.warn('could not set the retry pause', { messageId: record.messageId, error: nameOf(error) });
  }
}

/** Error names only: messages of errors may quote data. */
function nameOf(error: unknown): string {
  if (error instanceof RetryLater) return `RetryLater(${error.seconds}s)${error.cause ? `: ${nameOf(error.cause)}` : ''}`;
  return error instanceof Error ? error.name : typeof error;
}
