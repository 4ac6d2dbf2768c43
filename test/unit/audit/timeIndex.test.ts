import { describe, expect, it } from '@jest/globals';
import type { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { eventsTable } from '#lib/cases/tables.ts';
import { hoursBetween } from '#lib/audit/chainKeys.ts';
import { eventsBetween, QUERIES_IN_FLIGHT } from '#lib/audit/timeIndex.ts';

describe("reading the events table's time index", () => {
  it('queries every hour and shard of a long period once, with at most QUERIES_IN_FLIGHT Queries at a time, following each page', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const ddb = {
      send: async (command: QueryCommand) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        const bucket = command.input.ExpressionAttributeValues?.[':bucket']?.S ?? '';
        const continued = command.input.ExclusiveStartKey !== undefined;
        asked.push(`${bucket}${continued ? ' (page 2)' : ''}`);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        // The first shard's Query of each hour has a second page.
        return { Items: [], LastEvaluatedKey: bucket.endsWith('#0') && !continued ? { auditBucket: { S: bucket } } : undefined };
      },
    } as unknown as DynamoDBClient;
    const [from, to] = ['2026-11-01T00:00:00.000Z', '2026-11-11T00:00:00.000Z'];
    expect(await eventsBetween(ddb, 'events', from, to)).toEqual([]);
    const hours = hoursBetween(from, to).length;
    expect(hours).toBeGreaterThanOrEqual(240);
    const { shards } = eventsTable.timeIndex;
    expect(asked.filter((query) => !query.endsWith('(page 2)'))).toHaveLength(hours * shards);
    expect(new Set(asked).size).toBe(asked.length);
    expect(asked.filter((query) => query.endsWith('(page 2)'))).toHaveLength(hours);
    expect(most).toBe(QUERIES_IN_FLIGHT);
  });
});
