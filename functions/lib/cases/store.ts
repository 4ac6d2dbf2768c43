import {
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { monotonicFactory } from 'ulid';
import { caseItem, caseItemKey, casePartition, listKeys, noteItem, NOTE_PREFIX, readEnvelope, readSealed, readSummary, referenceKey } from './items.ts';
import { CITIZEN_ACTOR, type CaseStatus, type CaseSummary } from './model.ts';
import type { Envelope, SealedPart } from '#lib/crypto/envelope.ts';
import type { EventLog } from './events.ts';
import { newReference } from './reference.ts';
import { visibleTo, type Clerk } from './access.ts';

export const newId = monotonicFactory();

/** How often a clashing reference is drawn again before giving up (a clash is ~1e-12 per draw). */
const REFERENCE_DRAWS = 5;

export interface NewCase {
  caseId: string;
  formId: string;
  formVersion: number;
  office: string;
  receivedAt: string;
  /** Epoch seconds after which DynamoDB TTL removes the case. */
  expiresAt: number;
  envelope: Envelope;
}

export interface StoredNote {
  noteId: string;
  at: string;
  actor: string;
  sealed: SealedPart;
}

export interface StoredCase {
  summary: CaseSummary;
  envelope: Envelope;
  expiresAt: number;
}

export interface StatusChange {
  to: CaseStatus;
  actor: string;
  at: string;
  note?: { noteId: string; sealed: SealedPart };
}

/** The case changed (version or status) between reading it and writing the change. */
export type LoadedCase = StoredCase & { notes: StoredNote[] };

/** The case changed (version or status) between reading it and writing the change. */
export class StaleCaseError extends Error {}
export class ReferenceExhaustedError extends Error {}

const cancelledBy = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

function readCase(item: Record<string, AttributeValue>): StoredCase {
  return { summary: readSummary(item), envelope: readEnvelope(item.envelope), expiresAt: Number(item.expiresAt?.N) };
}

export function createCaseStore(ddb: DynamoDBClient, tableName: string, events: EventLog) {
  const notExists = { TableName: tableName, ConditionExpression: 'attribute_not_exists(pk)' };

  async function get(caseId: string): Promise<StoredCase | undefined> {
    const result = await ddb.send(new GetItemCommand({ TableName: tableName, Key: caseItemKey(caseId), ConsistentRead: true }));
    return result.Item ? readCase(result.Item) : undefined;
  }

  async function officeOf(caseId: string): Promise<string | undefined> {
    const result = await ddb.send(
      new GetItemCommand({
        TableName: tableName,
        Key: caseItemKey(caseId),
        ProjectionExpression: '#office',
        ExpressionAttributeNames: { '#office': 'office' },
        ConsistentRead: true,
      }),
    );
    return result.Item?.office?.S;
  }

  async function load(caseId: string): Promise<LoadedCase | undefined> {
    let found: StoredCase | undefined;
    const notes: StoredNote[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :case)',
          ExpressionAttributeValues: { ':pk': casePartition(caseId), ':case': { S: 'CASE' } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = item.sk?.S ?? '';
        if (sk === 'CASE') found = readCase(item);
        else if (sk.startsWith(NOTE_PREFIX)) {
          notes.push({ noteId: sk.slice(NOTE_PREFIX.length), at: item.at?.S ?? '', actor: item.actor?.S ?? '', sealed: readSealed(item.note) });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found && { ...found, notes };
  }

  return {
    /**
     * Stores a new case, its reference claim and its `case.received` event in one transaction that
     * can never overwrite anything; `alsoWrite` adds items to it (the idempotency completion, which
     * needs the drawn reference). Resolves only once DynamoDB has committed.
     */
    async putNew(
      input: NewCase,
      alsoWrite: (summary: CaseSummary) => TransactWriteItem[] = () => [],
      drawReference = newReference,
    ): Promise<CaseSummary> {
      for (let draw = 1; ; draw++) {
        const summary: CaseSummary = {
          caseId: input.caseId,
          reference: drawReference(),
          formId: input.formId,
          formVersion: input.formVersion,
          office: input.office,
          status: 'received',
          receivedAt: input.receivedAt,
          updatedAt: input.receivedAt,
          version: 1,
        };
        const reference = { ...referenceKey(summary.reference), caseId: { S: summary.caseId }, expiresAt: { N: String(input.expiresAt) } };
        try {
          await ddb.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { ...notExists, Item: caseItem(summary, input.envelope, input.expiresAt) } },
                { Put: { ...notExists, Item: reference } },
                { Put: events.put(summary.caseId, { at: input.receivedAt, type: 'case.received', actor: CITIZEN_ACTOR, to: 'received' }, input.expiresAt) },
                ...alsoWrite(summary),
              ],
            }),
          );
          return summary;
        } catch (error) {
          if (!cancelledBy(error, 1)) throw error;
          if (draw >= REFERENCE_DRAWS) throw new ReferenceExhaustedError('no free reference found');
        }
      }
    },

    /** The case item alone (strongly consistent): what a status change needs. */
    get,
    /** Only the office a case belongs to: what an access check needs, without the envelope. */
    officeOf,
    /** The case with its notes, oldest note first: one Query over the case item and the notes after it. */
    load,

    /** The case item alone, if this clerk may see it; otherwise 404. */
    async getFor(clerk: Clerk, caseId: string): Promise<StoredCase> {
      return visibleTo(clerk, await get(caseId));
    },

    /** The case with its notes, if this clerk may see it; otherwise 404. */
    async loadFor(clerk: Clerk, caseId: string): Promise<LoadedCase> {
      return visibleTo(clerk, await load(caseId));
    },

    /** Resolves if this clerk may see the case (one projected read); otherwise 404. */
    async assertVisibleTo(clerk: Clerk, caseId: string): Promise<void> {
      const office = await officeOf(caseId);
      visibleTo(clerk, office === undefined ? undefined : { summary: { office } });
    },

    /**
     * Moves a case to a new status if it is still at the version and status it was read at
     * (optimistic locking), with its event and optional sealed note, all or nothing.
     */
    async changeStatus(current: StoredCase, change: StatusChange): Promise<CaseSummary> {
      const { summary } = current;
      const next: CaseSummary = { ...summary, status: change.to, updatedAt: change.at, version: summary.version + 1 };
      const indexKeys = listKeys(summary, change.to);
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, AttributeValue> = {
        ':to': { S: change.to },
        ':from': { S: summary.status },
        ':at': { S: change.at },
        ':version': { N: String(summary.version) },
        ':next': { N: String(next.version) },
      };
      const sets = ['#status = :to', 'updatedAt = :at', 'version = :next'];
      for (const [attribute, value] of Object.entries(indexKeys)) {
        names[`#${attribute}`] = attribute;
        values[`:${attribute}`] = value;
        sets.push(`#${attribute} = :${attribute}`);
      }
      const items: TransactWriteItem[] = [
        {
          Update: {
            TableName: tableName,
            Key: caseItemKey(summary.caseId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'version = :version AND #status = :from',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        {
          Put: events.put(
            summary.caseId,
            { at: change.at, type: 'case.status_changed', actor: change.actor, from: summary.status, to: change.to },
            current.expiresAt,
          ),
        },
      ];
      if (change.note) {
        items.push({
          Put: { ...notExists, Item: noteItem(summary.caseId, change.note.noteId, change.at, change.actor, change.note.sealed, current.expiresAt) },
        });
      }
      try {
        await ddb.send(new TransactWriteItemsCommand({ TransactItems: items }));
      } catch (error) {
        if (cancelledBy(error, 0)) throw new StaleCaseError('case changed meanwhile');
        throw error;
      }
      return next;
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
