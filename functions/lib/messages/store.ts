import { GetItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { caseFileKey } from '#lib/attachments/caseFiles.ts';
import { casePartition } from '#lib/cases/items.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { byMessageId, MESSAGE_PREFIX, readCaseMessage, REPLY_PREFIX, type StoredMessage } from './items.ts';
import type { AnyMessageKind } from './model.ts';

/** A message's file as the citizens' download reads it: which message (and kind) it belongs to. */
export interface MessageFileItem {
  attachmentId: string;
  messageId: string;
  kind: AnyMessageKind;
}

/**
 * What the citizens' routes read of a case's partition: its messages and replies (two Queries on
 * their sort-key prefixes, never the case's envelope or notes) and a message's file by key.
 */
export function createMessageStore(ddb: DynamoDBClient, tableName: string) {
  async function withPrefix(caseId: string, prefix: string): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': casePartition(caseId), ':prefix': { S: prefix } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  return {
    /** The office's messages and the citizen's replies, oldest first. */
    async messagesOf(caseId: string): Promise<StoredMessage[]> {
      const [messages, replies] = await Promise.all([withPrefix(caseId, MESSAGE_PREFIX), withPrefix(caseId, REPLY_PREFIX)]);
      return [...messages, ...replies].map((item) => readCaseMessage(caseId, item)).sort(byMessageId);
    },

    /** How many replies the case has (the next reply takes the slot after them). */
    async replyCount(caseId: string): Promise<number> {
      return (await withPrefix(caseId, REPLY_PREFIX)).length;
    },

    /** A file of one of the case's messages, or undefined (also for a file of the submitted form). */
    async messageFileOf(caseId: string, attachmentId: string): Promise<MessageFileItem | undefined> {
      const result = await ddb.send(new GetItemCommand({ TableName: tableName, Key: caseFileKey(caseId, attachmentId), ConsistentRead: true }));
      const messageId = result.Item?.messageId?.S;
      const kind = result.Item?.kind?.S;
      if (!result.Item || messageId === undefined) return undefined;
      if (kind === undefined) throw new IntegrityError('damaged item: message file lacks its kind', caseId);
      return { attachmentId, messageId, kind: kind as AnyMessageKind };
    },
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
