import {
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type Put,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { nextLink, type ChainedEvent, type ChainLink } from '#lib/audit/chain.ts';
import { eventIdOf, timeIndexKeys } from '#lib/audit/chainKeys.ts';
import type { CaseEvent, CaseStatus } from './model.ts';

/**
 * The append-only, hash-chained audit trail of a case, in the events table (API.md, *Audit*).
 * Every event is written by `append` (alone) or `appendWithin` (in a transaction with other
 * items), or as a case's first event by `first`: each links the event to the chain's head (`seq`,
 * `hash`, audit/chain.ts) and puts it under the key of its `seq` on the condition that no event
 * holds that `seq` yet, so concurrent writers cannot fork the chain; the loser re-reads the head
 * and links again. The head is read from the table, unless this instance wrote the case's latest
 * event it knows of (a bounded cache of heads per case): the conditional write is what guards
 * the chain, so a head that moved on meanwhile costs a lost race and one read, never a fork.
 */

type Item = Record<string, AttributeValue>;

/** How often a writer links again after losing the race for a `seq` (50 concurrent reads of one case need up to 50). */
const MAX_LINK_ATTEMPTS = 100;

/** How many cases' heads an instance remembers (the ones it wrote to last); a few dozen bytes each. */
export const KNOWN_HEADS = 1_000;

/**
 * The chain moved on between reading its head and writing the event after it: another event holds
 * its `seq`. `holder` is that event's hash when DynamoDB returned it (the same as ours: this very
 * write, sent again by the SDK after its answer was lost).
 */
export class ChainContentionError extends Error {
  readonly holder: string | undefined;
  constructor(holder: string | undefined, options?: ErrorOptions) {
    super('seq taken', options);
    this.holder = holder;
  }
}

export function eventPut(tableName: string, caseId: string, event: CaseEvent, expiresAt: number, link: ChainLink): Put {
  const item: Item = {
    caseId: { S: caseId },
    eventId: { S: eventIdOf(link.seq) },
    seq: { N: String(link.seq) },
    hash: { S: link.hash },
    at: { S: event.at },
    type: { S: event.type },
    actor: { S: event.actor },
    expiresAt: { N: String(expiresAt) },
  };
  for (const [name, value] of Object.entries(timeIndexKeys(caseId, link.seq, event.at))) item[name] = { S: value };
  if (event.from) item.from = { S: event.from };
  if (event.to) item.to = { S: event.to };
  if (event.detail) item.detail = { S: event.detail };
  return { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(eventId)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };
}

/** An event item as stored, read back (also what `npm run audit` reads). */
export function readEvent(item: Item): ChainedEvent {
  const event: ChainedEvent = {
    at: item.at?.S ?? '',
    type: (item.type?.S ?? '') as CaseEvent['type'],
    actor: item.actor?.S ?? '',
    seq: Number(item.seq?.N ?? 0),
    hash: item.hash?.S ?? '',
  };
  if (item.from?.S) event.from = item.from.S as CaseStatus;
  if (item.to?.S) event.to = item.to.S as CaseStatus;
  if (item.detail?.S) event.detail = item.detail.S;
  return event;
}

const conditionFailed = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A random pause before linking again ("full jitter", growing with the attempts), so that racing writers spread out. */
const pause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * attempt, 20)));

export function createEventLog(ddb: DynamoDBClient, tableName: string) {
  /**
   * The link this instance last wrote per case, least recently written first (a Map keeps its
   * insertion order): where the next append of the case starts without reading the head. Only
   * a write that was recorded puts a link here; a failed one forgets the case.
   */
  const knownHeads = new Map<string, ChainLink>();
  const remember = (caseId: string, link: ChainLink): void => {
    knownHeads.delete(caseId);
    knownHeads.set(caseId, link);
    if (knownHeads.size > KNOWN_HEADS) knownHeads.delete(knownHeads.keys().next().value!);
  };

  /** The chain's last event (`seq`, `hash`), strongly consistent; undefined for a case without events. */
  async function head(caseId: string): Promise<ChainLink | undefined> {
    const result = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'caseId = :caseId',
        ExpressionAttributeValues: { ':caseId': { S: caseId } },
        ProjectionExpression: 'seq, #hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const item = result.Items?.[0];
    return item && { seq: Number(item.seq?.N ?? 0), hash: item.hash?.S ?? '' };
  }

  /** Whether the event at `link.seq` is this very event (an SDK retry of a write whose answer was lost). */
  async function holds(caseId: string, link: ChainLink): Promise<boolean> {
    const result = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'caseId = :caseId AND eventId = :eventId',
        ExpressionAttributeValues: { ':caseId': { S: caseId }, ':eventId': { S: eventIdOf(link.seq) } },
        ProjectionExpression: '#hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ConsistentRead: true,
      }),
    );
    return result.Items?.[0]?.hash?.S === link.hash;
  }

  /**
   * Links `events` (one, or several written together) to the chain's head, one after the other, and
   * writes them with `write`, again after a lost race, until they are recorded; resolves with the
   * last link. `write` throws ChainContentionError when the first event's `seq` was taken. The
   * head is the one this instance knows, else `headRead`, else read now; a known head that lost
   * the race may be far behind (other instances wrote since), so the head is then read again
   * rather than followed one taken `seq` at a time.
   */
  async function linked(
    caseId: string,
    events: readonly CaseEvent[],
    write: (links: ChainLink[]) => Promise<void>,
    headRead?: Promise<ChainLink | undefined>,
  ): Promise<ChainLink> {
    const linkAll = (after: ChainLink | undefined): ChainLink[] => {
      const links: ChainLink[] = [];
      for (const event of events) links.push(nextLink(caseId, event, links.at(-1) ?? after));
      return links;
    };
    return inTurn(caseId, async () => {
      let known = knownHeads.get(caseId);
      let after = known ?? (await (headRead ?? head(caseId)));
      for (let attempt = 1; ; attempt++) {
        const links = linkAll(after);
        const [firstLink] = links as [ChainLink];
        try {
          await write(links);
          remember(caseId, links.at(-1)!);
          return links.at(-1)!;
        } catch (error) {
          if (!(error instanceof ChainContentionError)) {
            knownHeads.delete(caseId);
            throw error;
          }
          if (error.holder === undefined ? await holds(caseId, firstLink) : error.holder === firstLink.hash) {
            remember(caseId, links.at(-1)!);
            return links.at(-1)!;
          }
          if (attempt >= MAX_LINK_ATTEMPTS) {
            knownHeads.delete(caseId);
            throw error;
          }
          await pause(attempt);
          // The event that took the seq is the one to link after (DynamoDB returned it), unless
          // the seq came from the known head, or DynamoDB did not say: then the head is read again.
          after = error.holder === undefined || known !== undefined ? await head(caseId) : { seq: firstLink.seq, hash: error.holder };
          known = undefined;
        }
      }
    });
  }

  /**
   * Appends of this process to one case take turns, each starting from the link the one before
   * wrote (the known head: no head read, no lost race among themselves); other processes' writers
   * still race through the condition. The turns of a case are forgotten once none is waiting.
   */
  const turns = new Map<string, { tail: Promise<unknown>; waiting: number }>();
  function inTurn(caseId: string, work: () => Promise<ChainLink>): Promise<ChainLink> {
    const turn = turns.get(caseId) ?? { tail: Promise.resolve(), waiting: 0 };
    turns.set(caseId, turn);
    turn.waiting += 1;
    const mine = turn.tail.then(work, work);
    turn.tail = mine.then(
      () => undefined,
      () => undefined,
    );
    void turn.tail.then(() => {
      turn.waiting -= 1;
      if (turn.waiting === 0 && turns.get(caseId) === turn) turns.delete(caseId);
    });
    return mine;
  }

  return {
    /** The put of a case's first event (`seq` 1), for the transaction that creates the case. */
    first: (caseId: string, event: CaseEvent, expiresAt: number): Put => eventPut(tableName, caseId, event, expiresAt, nextLink(caseId, event, undefined)),

    head,

    /**
     * The head for an append about to come, read now so that the caller can load the case
     * meanwhile (pass it to `append`); undefined, and no call, when this instance knows the head.
     */
    headForAppend(caseId: string): Promise<ChainLink | undefined> | undefined {
      return knownHeads.has(caseId) ? undefined : head(caseId);
    },

    /**
     * Appends one event to the case's chain; resolves once it is recorded (exactly once).
     * `headRead`: the chain's head, read earlier by the caller (`headForAppend`, e.g. while it
     * loaded the case), so the append costs one call; a head that moved on meanwhile only costs a retry.
     */
    async append(caseId: string, event: CaseEvent, expiresAt: number, headRead?: Promise<ChainLink | undefined>): Promise<void> {
      await linked(caseId, [event], async ([link]) => {
        try {
          await ddb.send(new PutItemCommand(eventPut(tableName, caseId, event, expiresAt, link!)));
        } catch (error) {
          if (!conditionFailed(error)) throw error;
          throw new ChainContentionError((error as { Item?: Item }).Item?.hash?.S, { cause: error });
        }
      }, headRead);
    },

    /**
     * Appends one event, or several in this order, in one transaction with `items` (all or
     * nothing). A lost race for the events' `seq`s links them again; any other cancellation (an
     * item's own condition) is thrown as DynamoDB's TransactionCanceledException, whose reasons
     * index `items` as given.
     */
    async appendWithin(caseId: string, event: CaseEvent | readonly CaseEvent[], expiresAt: number, items: readonly TransactWriteItem[]): Promise<void> {
      const events: readonly CaseEvent[] = Array.isArray(event) ? event : [event as CaseEvent];
      await linked(caseId, events, async (links) => {
        const puts = events.map((each, index) => ({ Put: eventPut(tableName, caseId, each, expiresAt, links[index]!) }));
        try {
          await ddb.send(new TransactWriteItemsCommand({ TransactItems: [...items, ...puts] }));
        } catch (error) {
          const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
          // Only the chain moved on: the first event's seq is taken, nothing else failed.
          const onlyTheChain =
            reasons[items.length]?.Code === 'ConditionalCheckFailed' && reasons.every((reason, index) => index >= items.length || !reason.Code || reason.Code === 'None');
          throw onlyTheChain ? new ChainContentionError(reasons[items.length]?.Item?.hash?.S, { cause: error }) : error;
        }
      });
    },

    /** Every event of a case, oldest first (in chain order): page after page. */
    async all(caseId: string): Promise<ChainedEvent[]> {
      const found: ChainedEvent[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await this.page(caseId, 500, after);
        found.push(...page.items);
        if (!page.more) return found;
        after = page.last;
      }
    },

    /**
     * One page of a case's events, oldest first (in chain order), after the event id `after`: one
     * Query for one entry more than the page holds, so "is there more?" is known exactly.
     */
    async page(caseId: string, limit: number, after?: string): Promise<{ items: ChainedEvent[]; last: string | undefined; more: boolean }> {
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
