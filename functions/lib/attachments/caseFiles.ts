import { GetItemCommand, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { casePartition } from '#lib/cases/items.ts';
import { FILE_PREFIX } from '#lib/cases/tables.ts';
import type { MediaType } from './fields.ts';
import { readSealedMeta, sealedMetaAttribute, type Ticket } from './store.ts';
import type { SealedMeta } from './sealing.ts';

/**
 * A case's attachments, as items in the case's own partition of the cases table (sk
 * `CASE#FILE#<attachmentId>`, cases/tables.ts `FILE_PREFIX`): written in the submit transaction that binds the tickets, read by
 * the same Query that loads the case and its notes, and by key for a download. They hold what
 * the ticket held: ids, field, type, size, and the still-sealed file name and checksum.
 */

export interface CaseFile {
  attachmentId: string;
  field: string;
  mediaType: MediaType;
  size: number;
  /** The context the metadata was sealed with (sealing.ts): form and office of the ticket. */
  formId: string;
  office: string;
  meta: SealedMeta;
}

type Item = Record<string, AttributeValue>;

export const caseFileKey = (caseId: string, attachmentId: string): Item => ({ pk: casePartition(caseId), sk: { S: `${FILE_PREFIX}${attachmentId}` } });

export function caseFilePut(tableName: string, caseId: string, ticket: Ticket, expiresAt: number): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        ...caseFileKey(caseId, ticket.attachmentId),
        attachmentId: { S: ticket.attachmentId },
        field: { S: ticket.field },
        mediaType: { S: ticket.mediaType },
        size: { N: String(ticket.size) },
        formId: { S: ticket.formId },
        office: { S: ticket.office },
        meta: sealedMetaAttribute(ticket.meta),
        expiresAt: { N: String(expiresAt) },
      },
    },
  };
}

export function readCaseFile(item: Item): CaseFile {
  const s = (name: string): string => {
    const value = item[name]?.S;
    if (value === undefined) throw new Error(`attachment item lacks ${name}`);
    return value;
  };
  const size = Number(item.size?.N);
  if (!Number.isSafeInteger(size)) throw new Error('attachment item lacks size');
  return {
    attachmentId: s('attachmentId'),
    field: s('field'),
    mediaType: s('mediaType') as MediaType,
    size,
    formId: s('formId'),
    office: s('office'),
    meta: readSealedMeta(item.meta),
  };
}

/**
 * Whether the case has this file, by key (strongly consistent): a file of the submitted form or of
 * one of its messages and replies (messages/items.ts), which a clerk downloads alike.
 */
export async function hasCaseFile(ddb: DynamoDBClient, tableName: string, caseId: string, attachmentId: string): Promise<boolean> {
  const result = await ddb.send(
    new GetItemCommand({ TableName: tableName, Key: caseFileKey(caseId, attachmentId), ProjectionExpression: 'attachmentId', ConsistentRead: true }),
  );
  return result.Item?.attachmentId?.S === attachmentId;
}
