import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { caseMessageBody } from '#lib/messaging/message.ts';
import type { QueueNeed } from '#lib/runtime/needs.ts';
import { logger } from '#lib/runtime/logger.ts';

export interface DispatchDeps {
  readonly sqs: Pick<SQSClient, 'send'>;
  /** The URL of each queue that hears of every received case. */
  readonly queues: Readonly<Record<QueueNeed, string>>;
}

/**
 * The events table's stream fans out what follows a receipt: each new `case.received` event becomes
 * one message per queue (delivery, confirmation), carrying the case id only; each new
 * `case.message_sent` one message on the confirmations queue with the case and message ids (the
 * citizen's news mail). Each worker decides for
 * itself whether the case concerns it (an office without destination, a form without confirmation).
 * Records are handled in order; the first failure stops the batch, and Lambda (or the local poller)
 * hands that record and the rest in again: at least once, so the workers are idempotent.
 */
export function createDispatch(deps: DispatchDeps) {
  const queues = Object.entries(deps.queues) as [QueueNeed, string][];
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || !image?.caseId?.S) continue;
      const messageId = image.type?.S === 'case.message_sent' ? image.detail?.S : undefined;
      if (image.type?.S !== 'case.received' && messageId === undefined) continue;
      // A receipt goes to every queue; an office's message only to the confirmations (the news mail).
      const targets = messageId === undefined ? queues : queues.filter(([queue]) => queue === 'confirmations');
      const body = caseMessageBody(image.caseId.S, messageId);
      try {
        await Promise.all(targets.map(([, url]) => deps.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))));
      } catch (error) {
        logger.warn('dispatch failed', { caseId: image.caseId.S, error: error instanceof Error ? error.name : typeof error });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
