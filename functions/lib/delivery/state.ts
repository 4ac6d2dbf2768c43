import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  UpdateItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import type { EventLog } from '#lib/cases/events.ts';
import { caseItemKey, casePartition } from '#lib/cases/items.ts';
import type { CaseEvent, DeliveryState } from '#lib/cases/model.ts';

/**
 * The delivery state of a case, on its case item: the summary's `delivery` and the `deliveryId`
 * that every attempt of this delivery sends as `X-Delivery-Id` (drawn once, kept, so a receiver can
 * recognise a repeated delivery). Every write is one conditional update that names only these
 * attributes and the key: the delivery role may touch nothing else (IAM `dynamodb:Attributes`,
 * infra/constructs/delivery.ts). The settle and the event that records the outcome are one
 * transaction (the event log's `appendWithin`): a won settle never goes unrecorded.
 */
export const DELIVERY_STATE_ATTRIBUTES = ['delivery', 'deliveryId'] as const;

/**
 * Whose delivery: the case's (its case item), or a follow-up's (docs/delivery.md): the item of the
 * office's decision or of the citizen's reply, in the case's partition, by its sort key. Its state
 * is the same two attributes on that item.
 */
export interface DeliveryTarget {
  readonly caseId: string;
  /** The sort key of the message item of a follow-up; absent for the case itself. */
  readonly item?: string;
}

export function createDeliveryState(ddb: DynamoDBClient, tableName: string, events: Pick<EventLog, 'appendWithin'>) {
  const names = { '#delivery': 'delivery', '#deliveryId': 'deliveryId' };
  const caseIdOf = (target: string | DeliveryTarget) => (typeof target === 'string' ? target : target.caseId);
  const keyOf = (target: string | DeliveryTarget) =>
    typeof target === 'string' || target.item === undefined ? caseItemKey(caseIdOf(target)) : { pk: casePartition(target.caseId), sk: { S: target.item } };

  const change = (target: string | DeliveryTarget, to: DeliveryState, condition: string, values: Record<string, string>) => ({
    TableName: tableName,
    Key: keyOf(target),
    UpdateExpression: to === 'pending' ? 'SET #delivery = :to, #deliveryId = if_not_exists(#deliveryId, :newId)' : 'SET #delivery = :to',
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: Object.fromEntries(Object.entries({ ...values, ':to': to }).map(([key, value]) => [key, { S: value }])),
  });

  async function update(target: string | DeliveryTarget, to: DeliveryState, condition: string, values: Record<string, string>) {
    const result = await ddb.send(new UpdateItemCommand({ ...change(target, to, condition, values), ReturnValues: 'UPDATED_NEW' }));
    return result.Attributes;
  }

  return {
    /**
     * Marks the delivery pending (first attempt, a retry, or a redrive after `failed`) and answers
     * its delivery id; undefined when there is nothing to deliver (no such item, or it was
     * delivered already). A case id alone names the case's own delivery.
     */
    async claim(target: string | DeliveryTarget): Promise<string | undefined> {
      try {
        const attributes = await update(
          target,
          'pending',
          'attribute_exists(pk) AND (attribute_not_exists(#delivery) OR #delivery IN (:pending, :failed))',
          { ':newId': ulid(), ':pending': 'pending', ':failed': 'failed' },
        );
        return attributes?.deliveryId?.S;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    /**
     * Records the outcome of this delivery and appends its event (`case.delivered`,
     * `case.delivery_failed`) to the case's chain in one transaction, all or nothing; false, with
     * nothing written, when the delivery is no longer this pending one (another copy settled it).
     * Any other failure throws and leaves the delivery pending, so that the message's retry
     * settles it.
     */
    async settle(target: string | DeliveryTarget, deliveryId: string, to: Exclude<DeliveryState, 'pending'>, event: CaseEvent, expiresAt: number): Promise<boolean> {
      const settle: TransactWriteItem = { Update: change(target, to, '#delivery = :pending AND #deliveryId = :id', { ':pending': 'pending', ':id': deliveryId }) };
      try {
        await events.appendWithin(caseIdOf(target), event, expiresAt, [settle]);
        return true;
      } catch (error) {
        // The settle is the transaction's first item: its condition failed.
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
  };
}

export type DeliveryStateStore = ReturnType<typeof createDeliveryState>;
