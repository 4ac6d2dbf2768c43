import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { caseItemKey } from '#lib/cases/items.ts';

/**
 * Who sends a case's confirmation mail: SQS delivers at least once, so copies of a message may
 * arrive in one batch or in parallel. Before it decrypts, a copy claims the case's confirmation
 * with one conditional UpdateItem on the case item (`confirmation: "sending"`, its claim id, a
 * lease); only the winner sends, settles (`"sent"`, `"rejected"`, `"no-address"`) and records the
 * outcome. A copy that loses drops out: the winner's own message comes back if the winner fails.
 * A winner that dies mid-send leaves a lease that runs out before its message comes back (the
 * lease is shorter than the queue's visibility timeout, longer than the function's timeout).
 * The confirmation role may write nothing on a case but these attributes (IAM `dynamodb:Attributes`,
 * infra/constructs/grants.ts).
 */
export const CONFIRMATION_CLAIM_ATTRIBUTES = ['confirmation', 'confirmationClaim', 'confirmationLease'] as const;

/** Seconds a claim holds: beyond the worker's 10 s timeout, within the queue's 60 s visibility timeout. */
export const CONFIRMATION_LEASE_SECONDS = 30;

export type ConfirmationSettled = 'sent' | 'rejected' | 'no-address';

export function createConfirmationClaims(ddb: DynamoDBClient, tableName: string, now: () => Date = () => new Date()) {
  const names = { '#c': 'confirmation', '#claim': 'confirmationClaim', '#lease': 'confirmationLease' };

  async function conditional(command: UpdateItemCommand): Promise<boolean> {
    try {
      await ddb.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return {
    /** Claims the confirmation of a case; false when it is settled, or claimed by another copy whose lease runs. */
    claim(caseId: string, claimId: string): Promise<boolean> {
      const seconds = Math.floor(now().getTime() / 1000);
      return conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: caseItemKey(caseId),
          UpdateExpression: 'SET #c = :sending, #claim = :id, #lease = :until',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#c) OR (#c = :sending AND #lease < :now))',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':sending': { S: 'sending' },
            ':id': { S: claimId },
            ':until': { N: String(seconds + CONFIRMATION_LEASE_SECONDS) },
            ':now': { N: String(seconds) },
          },
        }),
      );
    },

    /** Records the outcome of this claim; false when the claim is no longer this one (its lease ran out and another copy took it). */
    settle(caseId: string, claimId: string, to: ConfirmationSettled): Promise<boolean> {
      return conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: caseItemKey(caseId),
          UpdateExpression: 'SET #c = :to REMOVE #claim, #lease',
          ConditionExpression: '#c = :sending AND #claim = :id',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':to': { S: to }, ':sending': { S: 'sending' }, ':id': { S: claimId } },
        }),
      );
    },

    /** Gives a claim up after a failure, so that the message's next delivery may claim at once. */
    release(caseId: string, claimId: string): Promise<boolean> {
      return conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: caseItemKey(caseId),
          UpdateExpression: 'REMOVE #c, #claim, #lease',
          ConditionExpression: '#c = :sending AND #claim = :id',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':sending': { S: 'sending' }, ':id': { S: claimId } },
        }),
      );
    },
  };
}

export type ConfirmationClaims = ReturnType<typeof createConfirmationClaims>;
