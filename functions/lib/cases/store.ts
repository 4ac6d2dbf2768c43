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
import type { Envelope, SealedPart } from '#lib/crypto/envelope.ts';
import { visibleTo, type Clerk } from './visibility.ts';
import type { EventLog } from './events.ts';
import { caseItem, caseItemKey, type CaseIdentityItem, casePartition, listKeys, noteItem, NOTE_PREFIX, readCaseItem, readNoteItem, referenceKey } from './items.ts';
import { CITIZEN_ACTOR, type CaseEvent, type CaseStatus, type CaseSummary } from './model.ts';
import { newReference } from './reference.ts';
import { FILE_PREFIX, SUMMARY_ATTRIBUTES } from './tables.ts';
import { byMessageId, isMessageFile, isMessageItem, readCaseMessage, type StoredMessage } from '#lib/messages/items.ts';


export const newId = monotonicFactory();

/** How often a clashing reference is drawn again before giving up (a clash is ~1e-12 per draw). */
const REFERENCE_DRAWS = 5;

export interface NewCase {
  caseId: string;
  formId: string;
  formVersion: number;
  office: string;
  receivedAt: string;
  /** Epoch seconds after which the case is gone for clerks (and DynamoDB TTL removes it). */
  expiresAt: number;
  envelope: Envelope;
  /** The MAC of a summary (crypto/envelope.ts, cases/integrity.ts), for each reference drawn. */
  authenticate: (summary: CaseSummary) => Uint8Array;
  /** A signed-in citizen's identity, sealed under the case's key, and the citizen's index key. */
  identity?: CaseIdentityItem;
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
  /** The summary MAC stored with the case. */
  mac: Uint8Array;
  /** The identity of the citizen who signed in to submit (forms that need sign-in), sealed. */
  identity?: SealedPart;
}

/**
 * A case's attachments are items of its partition too (attachments/caseFiles.ts), kept raw here;
 * `files` are the submitted form's, `messageFiles` those of messages and replies (messages/items.ts).
 */
export type LoadedCase = StoredCase & {
  notes: StoredNote[];
  files: Record<string, AttributeValue>[];
  messages: StoredMessage[];
  messageFiles: Record<string, AttributeValue>[];
};

/** A clerk's change: a new status (or the same, for a note alone), an optional note, and the next summary's MAC. */
export interface CaseChange {
  to: CaseStatus;
  actor: string;
  at: string;
  note?: { noteId: string; sealed: SealedPart };
  /** The MAC of the summary after the change, over the notes after it. */
  mac: Uint8Array;
  /** The events to record instead of the status change (or note) the change would record (a message records its own). */
  events?: CaseEvent[];
  /** Items written in the same transaction, after the case, its events and the note (a message and its files). */
  alsoWrite?: TransactWriteItem[];
}

/** The event a change records by itself: the status change, or a note added. */
export function changeEvent(summary: CaseSummary, change: Pick<CaseChange, 'to' | 'at' | 'actor'>): CaseEvent {
  return change.to === summary.status
    ? { at: change.at, type: 'case.note_added', actor: change.actor }
    : { at: change.at, type: 'case.status_changed', actor: change.actor, from: summary.status, to: change.to };
}

/** The case changed (version or status) between reading it and writing the change. */
export class StaleCaseError extends Error {}
export class ReferenceExhaustedError extends Error {}

const cancelledBy = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/** The summary a change leads to: the version always moves on, so every change renews the ETag and the MAC. */
export function nextSummary(summary: CaseSummary, change: Pick<CaseChange, 'to' | 'at'>): CaseSummary {
  return { ...summary, status: change.to, updatedAt: change.at, version: summary.version + 1 };
}

export function createCaseStore(ddb: DynamoDBClient, tableName: string, events: EventLog, now: () => Date = () => new Date()) {
  const notExists = { TableName: tableName, ConditionExpression: 'attribute_not_exists(pk)' };
  /** Retention: a case past its expiry is gone for clerks, even before TTL removes it. */
  const live = <T extends { expiresAt: number }>(found: T | undefined): T | undefined =>
    found !== undefined && found.expiresAt * 1000 > now().getTime() ? found : undefined;

  async function get(caseId: string): Promise<StoredCase | undefined> {
    const result = await ddb.send(new GetItemCommand({ TableName: tableName, Key: caseItemKey(caseId), ConsistentRead: true }));
    return live(result.Item && readCaseItem(caseId, result.Item));
  }

  /**
   * What an access check needs, without the ciphertext: the office and expiry, and the envelope's
   * structure (a case item with a damaged envelope is an integrity error here too).
   */
  const structure = [...SUMMARY_ATTRIBUTES, 'expiresAt', 'summaryMac'];
  const envelopeParts = ['v', 'alg', 'iv', 'tag', 'kid', 'edk'];
  const structureNames = Object.fromEntries([...structure, 'envelope', ...envelopeParts].map((name) => [`#${name}`, name]));
  const structureProjection = [...structure.map((name) => `#${name}`), ...envelopeParts.map((part) => `#envelope.#${part}`)].join(', ');

  async function officeOf(caseId: string): Promise<string | undefined> {
    const result = await ddb.send(
      new GetItemCommand({
        TableName: tableName,
        Key: caseItemKey(caseId),
        ProjectionExpression: structureProjection,
        ExpressionAttributeNames: structureNames,
        ConsistentRead: true,
      }),
    );
    return live(result.Item && readCaseItem(caseId, result.Item, { withoutCiphertext: true }))?.summary.office;
  }

  async function load(caseId: string): Promise<LoadedCase | undefined> {
    let found: StoredCase | undefined;
    const notes: StoredNote[] = [];
    const files: Record<string, AttributeValue>[] = [];
    const messages: StoredMessage[] = [];
    const messageFiles: Record<string, AttributeValue>[] = [];
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
        if (sk === 'CASE') found = readCaseItem(caseId, item);
        else if (sk.startsWith(NOTE_PREFIX)) notes.push(readNoteItem(caseId, item));
        else if (sk.startsWith(FILE_PREFIX)) (isMessageFile(item) ? messageFiles : files).push(item);
        else if (isMessageItem(sk)) messages.push(readCaseMessage(caseId, item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const current = live(found);
    messages.sort(byMessageId);
    return current && { ...current, notes, files, messages, messageFiles };
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
          // Set by the delivery worker once it picks the case up (only for offices with a destination).
          delivery: null,
        };
        const reference = { ...referenceKey(summary.reference), caseId: { S: summary.caseId }, expiresAt: { N: String(input.expiresAt) } };
        try {
          await ddb.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { ...notExists, Item: caseItem(summary, input.envelope, input.expiresAt, input.authenticate(summary), input.identity) } },
                { Put: { ...notExists, Item: reference } },
                { Put: events.first(summary.caseId, { at: input.receivedAt, type: 'case.received', actor: CITIZEN_ACTOR, to: 'received' }, input.expiresAt) },
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

    /** The case item alone (strongly consistent), if it exists and has not expired. */
    get,
    /** The office of a live case, after checking the item's structure (no ciphertext read). */
    officeOf,
    /** The case with its notes (one Query over the case item and the notes after it), if live. */
    load,

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
     * Applies a clerk's change if the case is still at the version and status it was read at
     * (optimistic locking): the new status and version, the renewed MAC, its event (linked to the
     * case's chain) and the optional sealed note, all or nothing.
     */
    async change(current: StoredCase, change: CaseChange): Promise<CaseSummary> {
      const { summary } = current;
      const next = nextSummary(summary, change);
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, AttributeValue> = {
        ':to': { S: change.to },
        ':from': { S: summary.status },
        ':at': { S: change.at },
        ':version': { N: String(summary.version) },
        ':next': { N: String(next.version) },
        ':mac': { B: change.mac },
      };
      const sets = ['#status = :to', 'updatedAt = :at', 'version = :next', 'summaryMac = :mac'];
      for (const [attribute, value] of Object.entries(listKeys(summary, change.to))) {
        names[`#${attribute}`] = attribute;
        values[`:${attribute}`] = value;
        sets.push(`#${attribute} = :${attribute}`);
      }
      const recorded = change.events ?? [changeEvent(summary, change)];
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
      ];
      if (change.note) {
        items.push({
          Put: { ...notExists, Item: noteItem(summary.caseId, change.note.noteId, change.at, change.actor, change.note.sealed, current.expiresAt) },
        });
      }
      items.push(...(change.alsoWrite ?? []));
      try {
        await events.appendWithin(summary.caseId, recorded, current.expiresAt, items);
      } catch (error) {
        if (cancelledBy(error, 0)) throw new StaleCaseError('case changed meanwhile');
        throw error;
      }
      return next;
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
