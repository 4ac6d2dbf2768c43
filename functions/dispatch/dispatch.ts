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

/** Which queues hear of which event (the dispatch trigger's filter, functions/functions.ts, names the same events). */
export const FOLLOWING: Readonly<Record<'case.received' | 'case.message_sent' | 'case.reply_received', readonly QueueNeed[]>> = {
  'case.received': ['deliveries', 'confirmations'],
  'case.message_sent': ['confirmations', 'deliveries'],
  'case.reply_received': ['deliveries'],
};

/**
 * The events table's stream fans out what follows a receipt: each new `case.received` event becomes
 * one message per queue (delivery, confirmation), carrying the case id only; each new
 * `case.message_sent` one message on the confirmations queue with the case and message ids (the
 * citizen's news mail) and one on the deliveries queue (a decision's follow-up delivery); each new
 * `case.reply_received` one on the deliveries queue (the reply's follow-up delivery). Each worker decides for
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
      const type = image.type?.S;
      const messageId = type === 'case.message_sent' || type === 'case.reply_received' ? image.detail?.S : undefined;
      if (type !== 'case.received' && messageId === undefined) continue;
      // A receipt goes to every queue; an office's message to the confirmations (the news mail) and
      // the deliveries (a decision is delivered as a follow-up); a citizen's reply to the deliveries.
      const targets = queues.filter(([queue]) => FOLLOWING[type as keyof typeof FOLLOWING].includes(queue));
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
