import { randomUUID, timingSafeEqual } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { ANSWER_RESERVE_MS } from '#lib/runtime/deadline.ts';

/**
 * Idempotency-Key semantics of API.md. A key is claimed with a conditional put before any work;
 * the claim is completed in the same transaction that stores the case, so "acknowledged" and
 * "stored" cannot drift apart. Only keyed digests (HMAC) of the key and the body are stored.
 * Powertools' idempotency utility is not used: it stores an unkeyed hash of the payload and
 * completes the record in a separate write after the handler.
 */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
/**
 * How long an in-flight claim blocks retries: longer than the submit function's timeout (10 s,
 * test/infra/functions.test.ts), so a claim never expires while its attempt may still store the case.
 */
export const IN_FLIGHT_LOCK_MS = 30_000;


export type ClaimOutcome =
  | { kind: 'claimed'; pk: string; owner: string }
  | { kind: 'replay'; response: string }
  | { kind: 'in-progress' }
  | { kind: 'reused' };

export interface IdempotencyStore {
  claim(formId: string, key: string, canonicalBody: string, now: Date): Promise<ClaimOutcome>;
  /** The transaction item that marks a claim completed with the answer to replay. */
  completion(pk: string, owner: string, response: string): TransactWriteItem;
  /** Frees a claim whose work failed, so that a retry need not wait for the lock to expire. */
  release(pk: string, owner: string): Promise<void>;
}

export function createIdempotencyStore(ddb: DynamoDBClient, tableName: string, hmac: Hmac): IdempotencyStore {
  async function release(pk: string, owner: string, abortSignal?: AbortSignal): Promise<void> {
    try {
      await ddb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: pk } },
          UpdateExpression: 'SET #state = :failed',
          ConditionExpression: '#state = :inProgress AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: { ':failed': { S: 'failed' }, ':inProgress': { S: 'in_progress' }, ':owner': { S: owner } },
        }),
        abortSignal ? { abortSignal } : {},
      );
    } catch {
      // Best effort: if the release fails too (or the claim was never stored), the lock expires after IN_FLIGHT_LOCK_MS.
    }
  }

  return {
    async claim(formId, key, canonicalBody, now) {
      const pk = (await hmac.digest('idempotency-key', formId, key)).toString('base64url');
      const bodyMac = await hmac.digest('idempotency-body', formId, canonicalBody);
      const owner = randomUUID();
      try {
        await ddb.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: pk },
              state: { S: 'in_progress' },
              owner: { S: owner },
              bodyMac: { B: bodyMac },
              lockedUntil: { N: String(now.getTime() + IN_FLIGHT_LOCK_MS) },
              expiresAt: { N: String(Math.floor(now.getTime() / 1000) + IDEMPOTENCY_WINDOW_SECONDS) },
            },
            // Free to claim: never used, past its 24 h (TTL deletes lazily), released after a
            // failure, or an in-flight claim whose owner died.
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR #state = :failed OR (#state = :inProgress AND lockedUntil < :nowMs)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':nowSeconds': { N: String(Math.floor(now.getTime() / 1000)) },
              ':nowMs': { N: String(now.getTime()) },
              ':failed': { S: 'failed' },
              ':inProgress': { S: 'in_progress' },
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'claimed', pk, owner };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          // No answer (timeouts, the request's deadline) or an error: the put may still have been
          // stored, and would lock the key for IN_FLIGHT_LOCK_MS although this attempt answers 503
          // and is in flight no more (API.md: 409 only while the first is still in flight). So it
          // is released by its owner, at best effort, before the error is answered: within a
          // quarter of the time kept for answering, also past the request's deadline (the claim
          // has had the SDK's whole time budget already; an UpdateItem takes milliseconds).
          await release(pk, owner, AbortSignal.timeout(ANSWER_RESERVE_MS / 4));
          throw error;
        }
        if (!error.Item) throw error;
        const existing = error.Item;
        // Our own claim: an earlier attempt of this very put succeeded, its answer was lost (a
        // request timeout) and the SDK sent it again. `owner` is unique to this request.
        if (existing.owner?.S === owner && existing.state?.S === 'in_progress') return { kind: 'claimed', pk, owner };
        const storedMac = existing.bodyMac?.B;
        if (!storedMac || storedMac.length !== bodyMac.length || !timingSafeEqual(storedMac, bodyMac)) return { kind: 'reused' };
        if (existing.state?.S === 'completed' && existing.response?.S) return { kind: 'replay', response: existing.response.S };
        return { kind: 'in-progress' };
      }
    },

    completion(pk, owner, response) {
      return {
        Update: {
          TableName: tableName,
          Key: { pk: { S: pk } },
          UpdateExpression: 'SET #state = :completed, #response = :response REMOVE lockedUntil',
          ConditionExpression: '#state = :inProgress AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#response': 'response', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':completed': { S: 'completed' },
            ':inProgress': { S: 'in_progress' },
            ':response': { S: response },
            ':owner': { S: owner },
          },
        },
      };
    },

    release,
  };
}
