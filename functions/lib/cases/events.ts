import { PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type Put } from '@aws-sdk/client-dynamodb';
import { monotonicFactory } from 'ulid';
import type { CaseEvent, CaseStatus } from './model.ts';

/**
 * The append-only audit trail of a case, in the events table: every write is a conditional put of
 * a new ULID-keyed item, oldest first by construction.
 */
const newEventId = monotonicFactory();

type Item = Record<string, AttributeValue>;

export function eventPut(tableName: string, caseId: string, event: CaseEvent, expiresAt: number): Put {
  const item: Item = {
    caseId: { S: caseId },
    eventId: { S: newEventId(Date.parse(event.at)) },
    at: { S: event.at },
    type: { S: event.type },
    actor: { S: event.actor },
    expiresAt: { N: String(expiresAt) },
  };
  if (event.from) item.from = { S: event.from };
  if (event.to) item.to = { S: event.to };
  if (event.detail) item.detail = { S: event.detail };
  return { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(eventId)' };
}

function readEvent(item: Item): CaseEvent {
  const event: CaseEvent = { at: item.at?.S ?? '', type: (item.type?.S ?? '') as CaseEvent['type'], actor: item.actor?.S ?? '' };
  if (item.from?.S) event.from = item.from.S as CaseStatus;
  if (item.to?.S) event.to = item.to.S as CaseStatus;
  if (item.detail?.S) event.detail = item.detail.S;
  return event;
}

export function createEventLog(ddb: DynamoDBClient, tableName: string) {
  return {
    put: (caseId: string, event: CaseEvent, expiresAt: number): Put => eventPut(tableName, caseId, event, expiresAt),

    async append(caseId: string, event: CaseEvent, expiresAt: number): Promise<void> {
      try {
        await ddb.send(new PutItemCommand(eventPut(tableName, caseId, event, expiresAt)));
      } catch (error) {
        // The event id is new to this call: if it exists, the SDK retried an attempt that had
        // been written (its answer timed out). The event is recorded, once.
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
        throw error;
      }
    },

    /**
     * One page of a case's events, oldest first, after the event id `after`: one Query for one
     * entry more than the page holds, so "is there more?" is known exactly.
     */
    async page(caseId: string, limit: number, after?: string): Promise<{ items: CaseEvent[]; last: string | undefined; more: boolean }> {
      const result = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: after ? 'caseId = :caseId AND eventId > :after' : 'caseId = :caseId',
          ExpressionAttributeValues: { ':caseId': { S: caseId }, ...(after ? { ':after': { S: after } } : {}) },
          ConsistentRead: true,
          Limit: limit + 1,
        }),
      );
      const items = (result.Items ?? []).slice(0, limit);
      return { items: items.map(readEvent), last: items.at(-1)?.eventId?.S, more: (result.Items ?? []).length > limit };
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
