import { timingSafeEqual } from 'node:crypto';
import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { TRUST_LEVELS, type TrustLevel } from './levels.ts';
import { SIGN_IN_REQUEST_TTL_SECONDS } from './tables.ts';

/** A sign-in this stack started: what it asked for, and where the citizen goes afterwards. */
export interface StartedSignIn {
  level: TrustLevel;
  returnTo: string;
}

/**
 * The store of sign-ins in flight (tables.ts). A request is bound to the browser that started it:
 * the login page sets a random cookie, the request stores only its HMAC. `consume` deletes the
 * request whatever follows, so an `InResponseTo` answers at most once; a request of another
 * browser, an unknown or an expired one is refused alike.
 */
export function createSignInStore(ddb: DynamoDBClient, tableName: string, hmac: Hmac, now: () => Date = () => new Date()) {
  const seconds = () => Math.floor(now().getTime() / 1000);
  const browserMac = (cookie: string) => hmac.digest('bundid/browser', cookie);
  return {
    async start(requestId: string, browserCookie: string, signIn: StartedSignIn): Promise<void> {
      await ddb.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: `REQ#${requestId}` },
            browser: { B: await browserMac(browserCookie) },
            level: { S: signIn.level },
            returnTo: { S: signIn.returnTo },
            expiresAt: { N: String(seconds() + SIGN_IN_REQUEST_TTL_SECONDS) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    /** The request `requestId`, if this browser started it and it is still open; it is gone afterwards either way. */
    async consume(requestId: string, browserCookie: string | undefined): Promise<StartedSignIn | undefined> {
      let item;
      try {
        ({ Attributes: item } = await ddb.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: `REQ#${requestId}` } },
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValues: 'ALL_OLD',
          }),
        ));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
      if (!item || !browserCookie) return undefined;
      const stored = item.browser?.B;
      const given = await browserMac(browserCookie);
      if (!stored || stored.length !== given.length || !timingSafeEqual(stored, given)) return undefined;
      if (Number(item.expiresAt?.N) <= seconds()) return undefined;
      const level = TRUST_LEVELS.find((candidate) => candidate === item.level?.S);
      const returnTo = item.returnTo?.S;
      return level && returnTo ? { level, returnTo } : undefined;
    },

    /** Records an assertion id as used until it expires; false if it was used before (a replay). */
    async useAssertion(assertionId: string, validUntil: Date): Promise<boolean> {
      const key = (await hmac.digest('bundid/assertion', assertionId)).toString('base64url');
      try {
        await ddb.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { pk: { S: `ASSERTION#${key}` }, expiresAt: { N: String(Math.max(Math.ceil(validUntil.getTime() / 1000), seconds()) + 300) } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}

export type SignInStore = ReturnType<typeof createSignInStore>;
