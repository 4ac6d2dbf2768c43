import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
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

/** SQS delays a sent message by at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Thrown by a worker whose attempt did not count (a dependency throttled it: SES's sending rate or
 * quota): the message is sent again as a fresh copy, delayed by `seconds`, carrying the attempts
 * that did count (`ATTEMPTS_ATTRIBUTE`), and the original is done. A fresh copy starts at receive
 * count 1, so no number of throttles brings it to the queue's redrive (`maxReceiveCount`).
 */
export class RetryUncounted extends Error {
  override readonly name = 'RetryUncounted';
  readonly seconds: number;
  constructor(seconds: number, options?: { cause?: unknown }) {
    super(`retry in ${seconds} s, attempt not counted`, options);
    this.seconds = seconds;
  }
}

export function retryUncounted(seconds: number, cause?: unknown): RetryUncounted {
  return new RetryUncounted(Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(seconds))), { cause });
}

/** The message attribute of a copy (RetryUncounted): the attempts its predecessors had used. */
export const ATTEMPTS_ATTRIBUTE = 'attemptsBefore';

/** The attempts the copies before this message used (0 for an original). */
function attemptsBefore(record: SQSRecord): number {
  const carried = Number(record.messageAttributes?.[ATTEMPTS_ATTRIBUTE]?.stringValue);
  return Number.isInteger(carried) && carried > 0 ? carried : 0;
}

/**
 * Which attempt this is, counting only attempts that counted: those of the copies before it
 * (RetryUncounted) and this copy's receives. Never less than the receive count, so a worker that
 * gives up at `maxReceiveCount` attempts does so no later than the queue's redrive.
 */
export function attemptOf(record: SQSRecord): number {
  return attemptsBefore(record) + receiveCountOf(record);
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
 * after its visibility was set if the worker asked for a pause; a message whose attempt did not count
 * (RetryUncounted) is replaced by a delayed copy. A body that is no case message is
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
          if (error instanceof RetryUncounted && (await sendCopy(options, record, error.seconds))) return undefined;
          if (error instanceof RetryLater || error instanceof RetryUncounted) await pause(options, record, error.seconds);
          return { itemIdentifier: record.messageId };
        }
      }),
    );
    return { batchItemFailures: outcomes.filter((failure) => failure !== undefined) };
  };
}

/** Sends the message again as a delayed copy that carries the attempts that counted; false if SQS refused. */
async function sendCopy(options: QueueWorkerOptions, record: SQSRecord, seconds: number): Promise<boolean> {
  try {
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.queueUrl,
        MessageBody: record.body,
        DelaySeconds: seconds,
        // This receive did not count: the copy carries the attempts before it.
        MessageAttributes: { [ATTEMPTS_ATTRIBUTE]: { DataType: 'Number', StringValue: String(attemptOf(record) - 1) } },
      }),
    );
    return true;
  } catch (error) {
    // The original comes back instead (after the pause), and this receive counts after all.
    logger.warn('could not send the uncounted retry', { messageId: record.messageId, error: nameOf(error) });
    return false;
  }
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
  if (error instanceof RetryLater || error instanceof RetryUncounted) return `${error.name}(${error.seconds}s)${error.cause ? `: ${nameOf(error.cause)}` : ''}`;
  return error instanceof Error ? error.name : typeof error;
}
