import { describe, expect, it } from '@jest/globals';
import type { AttributeValue, DynamoDBClient, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { caseItem, listSortKey, shardOf } from '#lib/cases/items.ts';
import { createCaseList, firstReadPerShard } from '#lib/cases/list.ts';
import { newId } from '#lib/cases/store.ts';
import { LIST_SHARDS, LIST_SORT_KEY } from '#lib/cases/tables.ts';
import { ENVELOPE_VERSION, type Envelope } from '#lib/crypto/envelope.ts';
import { sampleSummary } from '../../support/summaries.ts';

type Item = Record<string, AttributeValue>;

const NOW = new Date('2026-12-01T12:00:00.000Z');
const envelope: Envelope = { v: ENVELOPE_VERSION, alg: 'AES-256-GCM', iv: new Uint8Array(12), tag: new Uint8Array(16), ct: new Uint8Array(5), kid: 'k', edk: new Uint8Array(40) };

/** A case of the office received `minutesAgo` before NOW, whose id falls into `shard`. */
function caseIn(shard: number, minutesAgo: number, expired = false): Item {
  const at = NOW.getTime() - minutesAgo * 60_000;
  let caseId = newId(at);
  while (shardOf(caseId) !== shard) caseId = newId(at);
  const receivedAt = new Date(at).toISOString();
  const expiresAt = Math.floor(NOW.getTime() / 1000) + (expired ? -60 : 86_400);
  return caseItem(sampleSummary({ caseId, receivedAt, updatedAt: receivedAt }), envelope, expiresAt, new Uint8Array(32));
}

/**
 * The byOffice index as DynamoDB answers a list Query: one partition, newest first, `#sk < :after`,
 * Limit counted before the expiry filter, LastEvaluatedKey when the partition holds more. Records
 * each Query's partition and Limit.
 */
function indexOf(items: Item[]) {
  const queries: { partition: string; limit: number }[] = [];
  const client = {
    async send(command: { input: QueryCommandInput }) {
      const input = command.input;
      const partition = input.ExpressionAttributeValues![':pk']!.S!;
      const attribute = input.ExpressionAttributeNames!['#pk']!;
      const after = input.ExpressionAttributeValues![':after']?.S;
      const start = input.ExclusiveStartKey?.[LIST_SORT_KEY]?.S;
      const now = Number(input.ExpressionAttributeValues![':now']!.N);
      queries.push({ partition, limit: input.Limit! });
      const inPartition = items
        .filter((item) => item[attribute]?.S === partition)
        .map((item) => ({ item, sk: item[LIST_SORT_KEY]!.S! }))
        .filter(({ sk }) => (after === undefined || sk < after) && (start === undefined || sk < start))
        .sort((a, b) => (a.sk < b.sk ? 1 : -1));
      const evaluated = inPartition.slice(0, input.Limit);
      const more = inPartition.length > evaluated.length;
      return {
        Items: evaluated.map(({ item }) => item).filter((item) => Number(item.expiresAt!.N) > now),
        ...(more ? { LastEvaluatedKey: { [LIST_SORT_KEY]: { S: evaluated.at(-1)!.sk } } } : {}),
      };
    },
  };
  return { client: client as unknown as DynamoDBClient, queries };
}

/** Every live case newest first: what a list must page through. */
const expected = (items: Item[]) =>
  items
    .filter((item) => Number(item.expiresAt!.N) > NOW.getTime() / 1000)
    .map((item) => item[LIST_SORT_KEY]!.S!)
    .sort()
    .reverse();

async function pageThrough(items: Item[], limit: number) {
  const { client, queries } = indexOf(items);
  const list = createCaseList(client, 'cases', () => NOW);
  const seen: string[] = [];
  const pages: { size: number; more: boolean }[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await list({ office: 'ordnungsamt' }, limit, after);
    seen.push(...page.items.map((entry) => listSortKey(entry)));
    pages.push({ size: page.items.length, more: page.more });
    if (!page.more) break;
    after = page.items.at(-1)!.sortKey;
  }
  return { seen, pages, queries };
}

describe('the case list', () => {
  it('reads each shard for twice its share of the first page only, in one round of parallel Queries', async () => {
    // Cases spread evenly: the newest 26 hold 6 or 7 of each shard.
    const items = Array.from({ length: 200 }, (_, i) => caseIn(i % LIST_SHARDS, i));
    const { client, queries } = indexOf(items);
    const page = await createCaseList(client, 'cases', () => NOW)({ office: 'ordnungsamt' }, 25);
    expect(page.items.map((entry) => entry.sortKey)).toEqual(expected(items).slice(0, 25));
    expect(page.more).toBe(true);
    expect(firstReadPerShard(25)).toBe(13);
    expect(queries).toHaveLength(LIST_SHARDS);
    expect(queries.map((query) => query.limit)).toEqual(Array(LIST_SHARDS).fill(13));
  });

  it('reads on in a shard that holds more of the page than its share, and answers exactly what reading every shard whole gives', async () => {
    // The newest 40 cases all in shard 2, older ones spread.
    const items = [...Array.from({ length: 40 }, (_, i) => caseIn(2, i)), ...Array.from({ length: 60 }, (_, i) => caseIn(i % LIST_SHARDS, 40 + i))];
    const { client, queries } = indexOf(items);
    const page = await createCaseList(client, 'cases', () => NOW)({ office: 'ordnungsamt' }, 25);
    expect(page.items.map((entry) => entry.sortKey)).toEqual(expected(items).slice(0, 25));
    expect(page.more).toBe(true);
    expect(queries.filter((query) => query.partition.endsWith('#2'))).toEqual([
      { partition: 'ordnungsamt#2', limit: 13 },
      { partition: 'ordnungsamt#2', limit: 13 },
    ]);
  });

  it.each([
    ['spread evenly', (i: number) => caseIn(i % LIST_SHARDS, i)],
    ['in runs of one shard', (i: number) => caseIn(Math.floor(i / 17) % LIST_SHARDS, i)],
    ['with every third case expired', (i: number) => caseIn((i * 7) % LIST_SHARDS, i, i % 3 === 0)],
    ['in one shard only', (i: number) => caseIn(1, i)],
  ])('pages through cases %s: every live case once, newest first, "more" exact on every page', async (_name, make) => {
    for (const [count, limit] of [[0, 25], [1, 25], [25, 25], [26, 25], [103, 10], [77, 1]] as const) {
      const items = Array.from({ length: count }, (_, i) => make(i));
      const { seen, pages } = await pageThrough(items, limit);
      expect(seen).toEqual(expected(items));
      expect(pages.slice(0, -1).every((page) => page.size === limit && page.more)).toBe(true);
      expect(pages.at(-1)!.more).toBe(false);
    }
  });
});
