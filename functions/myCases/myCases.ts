import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { citizenOf } from '#lib/bundid/citizen.ts';
import type { CitizenTokens } from '#lib/bundid/token.ts';
import { readSummary } from '#lib/cases/items.ts';
import { citizenIndex } from '#lib/cases/tables.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';

export interface MyCasesDeps {
  ddb: DynamoDBClient;
  casesTable: string;
  tokens: CitizenTokens;
  now?: () => Date;
}

/** At most this many of a citizen's cases are listed (newest first); one citizen's applications are few. */
export const MY_CASES_LIMIT = 100;

/**
 * GET /me/cases: the signed-in citizen's cases, newest first, from the citizen index (keyed by
 * the token's `sub`, an HMAC of the bPK2): reference, form, status and times only. Expired cases
 * are left out, as for clerks.
 */
export function createMyCases(deps: MyCasesDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const citizen = await citizenOf(deps.tokens, event.headers);
    const now = Math.floor((deps.now ?? (() => new Date()))().getTime() / 1000);
    const result = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.casesTable,
        IndexName: citizenIndex.name,
        KeyConditionExpression: '#citizen = :citizen',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeNames: { '#citizen': citizenIndex.partitionKey },
        ExpressionAttributeValues: { ':citizen': { S: citizen.sub }, ':now': { N: String(now) } },
        ScanIndexForward: false,
        Limit: MY_CASES_LIMIT,
      }),
    );
    const items = (result.Items ?? []).map(readSummary).map(({ reference, formId, status, receivedAt, updatedAt }) => ({ reference, formId, status, receivedAt, updatedAt }));
    return json(200, { items }, { noStore: true });
  };
}
