import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConditionalCheckFailedException, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { createIdempotencyStore, IN_FLIGHT_LOCK_MS } from '#lib/submissions/idempotency.ts';
import { boundedByDeadline, withDeadline } from '#lib/runtime/deadline.ts';
import type { Context } from 'aws-lambda';

const hmac: Hmac = { digest: async (purpose, ...parts) => createHmac('sha256', 'k'.repeat(32)).update(JSON.stringify([purpose, ...parts])).digest() };
const now = new Date('2026-11-27T13:35:10.123Z');
type Item = Record<string, AttributeValue>;

/** A DynamoDB stand-in that records what it is sent and answers the put with `answer`. */
function fakeDynamoDb(answer: (input: { Item: Item }) => void = () => undefined) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command.constructor.name === 'PutItemCommand') answer(command.input as { Item: Item });
      return {};
    },
  } as unknown as DynamoDBClient;
  return { client, sent };
}

const existing = (Item: Item) => () => {
  throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item });
};

describe('idempotency store', () => {
  it('claims a new key with a conditional put that stores only keyed digests, never the key or the body', async () => {
    const { client, sent } = fakeDynamoDb();
    const outcome = await createIdempotencyStore(client, 'idem', hmac).claim('fischereischein', 'my-key-123', '{"data":{"name":"Erika"}}', now);
    expect(outcome.kind).toBe('claimed');
    const put = sent[0]!.input as { Item: Item; ConditionExpression: string };
    expect(put.ConditionExpression).toContain('attribute_not_exists(pk)');
    expect(JSON.stringify(put.Item)).not.toMatch(/my-key-123|Erika/);
    expect(put.Item.lockedUntil?.N).toBe(String(now.getTime() + IN_FLIGHT_LOCK_MS));
    expect(put.Item.expiresAt?.N).toBe(String(Math.floor(now.getTime() / 1000) + 24 * 60 * 60));
  });

  it('derives the record key from form and key: the same key for another form is another record', async () => {
    const { client, sent } = fakeDynamoDb();
    const store = createIdempotencyStore(client, 'idem', hmac);
    await store.claim('fischereischein', 'k', '{}', now);
    await store.claim('wohngeld', 'k', '{}', now);
    const pks = sent.map((call) => (call.input as { Item: Item }).Item.pk?.S);
    expect(pks[0]).not.toBe(pks[1]);
  });

  it('replays the stored answer for the same key and body once completed', async () => {
    let bodyMac: AttributeValue = { NULL: true };
    const first = fakeDynamoDb(({ Item }) => (bodyMac = Item.bodyMac!));
    await createIdempotencyStore(first.client, 'idem', hmac).claim('f', 'k', 'body', now);
    const { client } = fakeDynamoDb(existing({ state: { S: 'completed' }, bodyMac, response: { S: '{"caseId":"X"}' } }));
    expect(await createIdempotencyStore(client, 'idem', hmac).claim('f', 'k', 'body', now)).toEqual({ kind: 'replay', response: '{"caseId":"X"}' });
  });

  it('answers "reused" for the same key with another body, and "in-progress" while the first is in flight', async () => {
    let bodyMac: AttributeValue = { NULL: true };
    const first = fakeDynamoDb(({ Item }) => (bodyMac = Item.bodyMac!));
    await createIdempotencyStore(first.client, 'idem', hmac).claim('f', 'k', 'body', now);
    const inFlight = { state: { S: 'in_progress' }, owner: { S: 'someone-else' }, bodyMac };
    expect((await createIdempotencyStore(fakeDynamoDb(existing(inFlight)).client, 'idem', hmac).claim('f', 'k', 'other body', now)).kind).toBe('reused');
    expect((await createIdempotencyStore(fakeDynamoDb(existing(inFlight)).client, 'idem', hmac).claim('f', 'k', 'body', now)).kind).toBe('in-progress');
  });

  it("takes its own claim back when the SDK retried a put whose first answer was lost", async () => {
    // The retried put finds the item the lost attempt wrote: same owner, still in flight.
    const { client } = fakeDynamoDb(({ Item }) => existing({ state: { S: 'in_progress' }, owner: Item.owner!, bodyMac: Item.bodyMac! })());
    expect((await createIdempotencyStore(client, 'idem', hmac).claim('f', 'k', 'body', now)).kind).toBe('claimed');
  });

  it('completes a claim only if it is still this owner\'s and in flight', () => {
    const { client } = fakeDynamoDb();
    const completion = createIdempotencyStore(client, 'idem', hmac).completion('pk1', 'owner1', '{"caseId":"X"}');
    expect(completion.Update?.ConditionExpression).toBe('#state = :inProgress AND #owner = :owner');
    expect(completion.Update?.ExpressionAttributeValues?.[':owner']).toEqual({ S: 'owner1' });
    expect(completion.Update?.ExpressionAttributeValues?.[':response']).toEqual({ S: '{"caseId":"X"}' });
  });

  it('releases a failed claim at best effort: a failing release does not throw', async () => {
    const client = { send: async () => Promise.reject(new Error('down')) } as unknown as DynamoDBClient;
    await expect(createIdempotencyStore(client, 'idem', hmac).release('pk1', 'owner1')).resolves.toBeUndefined();
  });

  describe('a claim whose answer was lost (issue 32)', () => {
    type Sent = { name: string; input: { Item?: Item; Key?: Item; ExpressionAttributeValues?: Item }; aborted: boolean | undefined };
    /**
     * A table of one record that honours the claim's and the release's conditions as far as these
     * tests need; `lose` makes the next put be stored and its answer lost (a timeout).
     */
    function table() {
      let record: Item | undefined;
      const sent: Sent[] = [];
      const state = { lose: false };
      const client = {
        send: async (command: { constructor: { name: string }; input: Sent['input'] }, options?: { abortSignal?: AbortSignal }) => {
          sent.push({ name: command.constructor.name, input: command.input, aborted: options?.abortSignal?.aborted });
          if (command.constructor.name === 'PutItemCommand') {
            const item = command.input.Item!;
            const locked = record?.state?.S === 'in_progress' && Number(record.lockedUntil?.N) > now.getTime() && record.owner?.S !== item.owner?.S;
            if (locked) existing(record!)();
            record = item;
            if (state.lose) {
              state.lose = false;
              throw Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
            }
          }
          if (command.constructor.name === 'UpdateItemCommand' && record?.state?.S === 'in_progress' && record.owner?.S === command.input.ExpressionAttributeValues?.[':owner']?.S) {
            record = { ...record, state: { S: 'failed' } };
          }
          return {};
        },
      } as unknown as DynamoDBClient;
      return { client, sent, state };
    }

    it('releases it by its owner and answers the error: a retry of the same key is claimed, not locked for 30 s', async () => {
      const { client, sent, state } = table();
      const store = createIdempotencyStore(client, 'idem', hmac);
      state.lose = true;
      await expect(store.claim('f', 'k', 'body', now)).rejects.toThrow('socket timed out');
      const [put, release] = sent;
      expect(release?.name).toBe('UpdateItemCommand');
      expect(release?.aborted).toBe(false); // a time of its own (a quarter of the answer reserve), not the SDK's whole budget again
      expect(release?.input.Key?.pk).toEqual(put?.input.Item?.pk);
      expect(release?.input.ExpressionAttributeValues?.[':owner']).toEqual(put?.input.Item?.owner);
      expect((await store.claim('f', 'k', 'body', now)).kind).toBe('claimed');
    });

    it('an attempt still in flight keeps its lock: another attempt of the key is in progress', async () => {
      const { client } = table();
      const store = createIdempotencyStore(client, 'idem', hmac);
      expect((await store.claim('f', 'k', 'body', now)).kind).toBe('claimed');
      expect((await store.claim('f', 'k', 'body', now)).kind).toBe('in-progress');
    });

    it("releases it even past the request's deadline, with a time of its own", async () => {
      const { client, sent, state } = table();
      const store = createIdempotencyStore(boundedByDeadline(client), 'idem', hmac);
      state.lose = true;
      const expired = { getRemainingTimeInMillis: () => 0 } as unknown as Context;
      const claim = withDeadline(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20)); // the deadline (1 ms) passes meanwhile
        return store.claim('f', 'k', 'body', now);
      });
      await expect(claim(undefined, expired)).rejects.toThrow('socket timed out');
      expect(sent.map(({ name, aborted }) => [name, aborted])).toEqual([
        ['PutItemCommand', true],
        ['UpdateItemCommand', false],
      ]);
    });
  });
});
