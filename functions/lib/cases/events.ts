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
  return { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(eventId)' };
}

function readEvent(item: Item): CaseEvent {
  const event: CaseEvent = { at: item.at?.S ?? '', type: (item.type?.S ?? '') as CaseEvent['type'], actor: item.actor?.S ?? '' };
  if (item.from?.S) event.from = item.from.S as CaseStatus;
  if (item.to?.S) event.to = item.to.S as CaseStatus;
  return event;
}

export function createEventLog(ddb: DynamoDBClient, tableName: string) {
  return {
    put: (caseId: string, event: CaseEvent, expiresAt: number): Put => eventPut(tableName, caseId, event, expiresAt),

    async append(caseId: string, event: CaseEvent, expiresAt: number): Promise<void> {
      await ddb.send(new PutItemCommand(eventPut(tableName, caseId, event, expiresAt)));
    },

    async list(caseId: string): Promise<CaseEvent[]> {
      const events: CaseEvent[] = [];
      let startKey: Item | undefined;
      do {
        const page = await ddb.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'caseId = :caseId',
            ExpressionAttributeValues: { ':caseId': { S: caseId } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        events.push(...(page.Items ?? []).map(readEvent));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return events;
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
