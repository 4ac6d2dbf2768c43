// Issue 25: the delivery's settle and its event are one transaction. A settle that won is never
// left without its case.delivered (or case.delivery_failed), and a failed write leaves the delivery
// pending for the retry. DynamoDB is modelled with its transaction semantics: every condition is
// checked first, then all items are written, or none.
import { describe, expect, it } from '@jest/globals';
import {
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createEventLog } from '#lib/cases/events.ts';
import type { CaseEvent } from '#lib/cases/model.ts';
import { createDeliveryState } from '#lib/delivery/state.ts';

const CASE = '01JD3ZK8Y2V7Q9W4X6T5R3M1NB';
const delivered: CaseEvent = { at: '2026-12-07T12:00:00.000Z', type: 'case.delivered', actor: 'system:delivery' };

function world() {
  const caseItem: Record<string, AttributeValue> = {};
  const events: Record<string, AttributeValue>[] = [];
  let failNextTransaction = false;
  let transactions = 0;
  const ddb = {
    send: async (command: unknown) => {
      await Promise.resolve(); // a round trip: concurrent writers interleave here
      if (command instanceof QueryCommand) return { Items: events.slice(-1).reverse() };
      if (command instanceof UpdateItemCommand) {
        // The claim: pending, with a delivery id drawn once.
        caseItem.delivery = { S: 'pending' };
        caseItem.deliveryId ??= command.input.ExpressionAttributeValues?.[':newId'] ?? { S: 'x' };
        return { Attributes: { deliveryId: caseItem.deliveryId } };
      }
      if (command instanceof TransactWriteItemsCommand) {
        transactions++;
        const items = command.input.TransactItems ?? [];
        const reasons = items.map((item) => {
          if (item.Update) {
            const values = item.Update.ExpressionAttributeValues ?? {};
            const holds = caseItem.delivery?.S === values[':pending']?.S && caseItem.deliveryId?.S === values[':id']?.S;
            return { Code: holds ? 'None' : 'ConditionalCheckFailed' };
          }
          const taken = events.some((event) => event.eventId?.S === item.Put?.Item?.eventId?.S);
          return { Code: taken ? 'ConditionalCheckFailed' : 'None' };
        });
        if (failNextTransaction) {
          failNextTransaction = false;
          throw Object.assign(new Error('internal error'), { name: 'InternalServerError' });
        }
        if (reasons.some((reason) => reason.Code !== 'None')) {
          throw new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: reasons });
        }
        for (const item of items) {
          if (item.Update) caseItem.delivery = item.Update.ExpressionAttributeValues?.[':to'] ?? { S: '?' };
          if (item.Put?.Item) events.push(item.Put.Item);
        }
        return {};
      }
      throw new Error(`unexpected ${String(command)}`);
    },
  } as unknown as DynamoDBClient;
  const state = createDeliveryState(ddb, 'cases', createEventLog(ddb, 'events'));
  return {
    state,
    delivery: () => caseItem.delivery?.S,
    eventTypes: () => events.map((event) => event.type?.S),
    failNextTransaction: () => void (failNextTransaction = true),
    transactions: () => transactions,
  };
}

describe('settling a delivery', () => {
  it('writes the outcome and its event in one transaction', async () => {
    const { state, delivery, eventTypes, transactions } = world();
    const id = (await state.claim(CASE))!;
    expect(await state.settle(CASE, id, 'delivered', delivered, 4_000_000_000)).toBe(true);
    expect(delivery()).toBe('delivered');
    expect(eventTypes()).toEqual(['case.delivered']);
    expect(transactions()).toBe(1);
  });

  it('a transaction that fails leaves the delivery pending and writes no event; the retry settles and records it', async () => {
    const { state, delivery, eventTypes, failNextTransaction } = world();
    const id = (await state.claim(CASE))!;
    failNextTransaction();
    await expect(state.settle(CASE, id, 'delivered', delivered, 4_000_000_000)).rejects.toThrow('internal error');
    expect(delivery()).toBe('pending');
    expect(eventTypes()).toEqual([]);
    expect(await state.settle(CASE, id, 'delivered', delivered, 4_000_000_000)).toBe(true);
    expect(eventTypes()).toEqual(['case.delivered']);
  });

  it('copies that settle at once: one wins, the others answer false, and there is one event', async () => {
    const { state, delivery, eventTypes } = world();
    const id = (await state.claim(CASE))!;
    const outcomes = await Promise.all([1, 2, 3].map(() => state.settle(CASE, id, 'delivered', delivered, 4_000_000_000)));
    expect(outcomes.sort()).toEqual([false, false, true]);
    expect(delivery()).toBe('delivered');
    expect(eventTypes()).toEqual(['case.delivered']);
  });

  it('a delivery that is no longer this pending one settles nothing and records nothing', async () => {
    const { state, eventTypes } = world();
    await state.claim(CASE);
    expect(await state.settle(CASE, '01JDZ9000000000000000000ZZ', 'failed', { ...delivered, type: 'case.delivery_failed' }, 4_000_000_000)).toBe(false);
    expect(eventTypes()).toEqual([]);
  });
});
