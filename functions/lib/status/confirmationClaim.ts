import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { caseItemKey } from '#lib/cases/items.ts';
import { messageItemKey } from '#lib/messages/items.ts';

/**
 * Who sends a case's confirmation mail: SQS delivers at least once, so copies of a message may
 * arrive in one batch or in parallel. Before it decrypts, a copy claims the case's confirmation
 * with one conditional UpdateItem on the case item (`confirmation: "sending"`, its claim id, a
 * lease); only the winner sends, settles (`"sent"`, `"rejected"`, `"no-address"`) and records the
 * outcome. A copy that loses drops out: the winner's own message comes back if the winner fails.
 * A winner that dies mid-send leaves a lease that runs out before its message comes back (the
 * lease is shorter than the queue's visibility timeout, longer than the function's timeout).
 * A news mail (API.md, *Messages*: "there is news") is claimed the same way, keyed by the office's
 * message that caused it: the same attributes on that message's item (`CASE#MSG#<messageId>` in
 * the case's partition), so that copies of its queue message send one mail and record one
 * `case.citizen_notified`, and the confirmation of receipt and each message's news are claimed apart.
 * The confirmation role may write nothing on a case's items but these attributes (IAM
 * `dynamodb:Attributes`, infra/constructs/grants.ts).
 */
export const CONFIRMATION_CLAIM_ATTRIBUTES = ['confirmation', 'confirmationClaim', 'confirmationLease'] as const;

/** Seconds a claim holds: beyond the worker's 10 s timeout, within the queue's 60 s visibility timeout. */
export const CONFIRMATION_LEASE_SECONDS = 30;

export type ConfirmationSettled = 'sent' | 'rejected' | 'no-address';

/** What a claim is about: the case's confirmation of receipt, or the news mail of one of the office's messages. */
export interface ClaimSubject {
  readonly caseId: string;
  readonly messageId?: string;
}

const keyOf = ({ caseId, messageId }: ClaimSubject) => (messageId === undefined ? caseItemKey(caseId) : messageItemKey(caseId, messageId));

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
    /** Claims the confirmation of a case (or a message's news); false when it is settled, or claimed by another copy whose lease runs. */
    claim(subject: ClaimSubject, claimId: string): Promise<boolean> {
      const seconds = Math.floor(now().getTime() / 1000);
      return conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keyOf(subject),
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
    settle(subject: ClaimSubject, claimId: string, to: ConfirmationSettled): Promise<boolean> {
      return conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keyOf(subject),
          UpdateExpression: 'SET #c = :to REMOVE #claim, #lease',
          ConditionExpression: '#c = :sending AND #claim = :id',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':to': { S: to }, ':sending': { S: 'sending' }, ':id': { S: claimId } },
        }),
      );
    },

    /** Gives a claim up after a failure, so that the message's next delivery may claim at once. */
    release(subject: ClaimSubject, claimId: string): Promise<boolean> {
      return conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keyOf(subject),
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
