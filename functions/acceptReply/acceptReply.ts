import type { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { caseIdOfPartition } from '#lib/cases/items.ts';
import { contextOf, summaryMessage, verifyStoredCase } from '#lib/cases/integrity.ts';
import { CITIZEN_ACTOR } from '#lib/cases/model.ts';
import { nextSummary, StaleCaseError, type CaseStore } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import { REPLY_PREFIX } from '#lib/messages/items.ts';

export interface AcceptReplyDeps {
  readonly cases: Pick<CaseStore, 'load' | 'change'>;
  readonly kms: KMSClient;
  readonly caseKeyId: string;
  readonly now?: () => Date;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

export type ReplyOutcome = 'moved' | 'not-waiting' | 'answered-before' | 'no-case';

/** How often a change that lost to a clerk's concurrent change is tried again at once (then the stream retries). */
const STALE_ATTEMPTS = 3;

/**
 * A citizen's reply moves a case that waits for him (`needs_info`) back to `in_review` (API.md),
 * with the same transition rule and optimistic locking as PATCH: the reply route cannot (it may
 * not open the case's key to renew the summary MAC), so this worker on the cases table's stream,
 * filtered to new reply items, does. Idempotent: a case not in `needs_info` stays as it is, and a
 * reply older than the office's latest request (a record handed in again after the clerk asked
 * anew) answers nothing, so duplicates and late deliveries change nothing.
 */
export function createAcceptReply(deps: AcceptReplyDeps) {
  async function accept(caseId: string, replyId: string): Promise<ReplyOutcome> {
    for (let attempt = 1; ; attempt++) {
      const current = await deps.cases.load(caseId);
      if (!current) return 'no-case';
      if (current.summary.status !== 'needs_info') return 'not-waiting';
      const lastRequest = current.messages.filter((message) => message.kind === 'request').at(-1);
      if (lastRequest && lastRequest.messageId > replyId) return 'answered-before';
      const at = (deps.now ?? (() => new Date()))().toISOString();
      const { summary, envelope, notes } = current;
      const mac = await withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
        verifyStoredCase(key, current, notes);
        return key.mac(summaryMessage(nextSummary(summary, { to: 'in_review', at }), current.expiresAt, notes));
      });
      try {
        await deps.cases.change(current, { to: 'in_review', actor: CITIZEN_ACTOR, at, mac });
        return 'moved';
      } catch (error) {
        if (!(error instanceof StaleCaseError) || attempt >= STALE_ATTEMPTS) throw error;
      }
    }
  }

  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      const caseId = caseIdOfPartition(image?.pk?.S);
      const replyId = image?.messageId?.S;
      if (record.eventName !== 'INSERT' || !image?.sk?.S?.startsWith(REPLY_PREFIX) || !caseId || !replyId) continue;
      try {
        await accept(caseId, replyId);
      } catch (error) {
        deps.warn('reply not accepted yet', { caseId, error: error instanceof Error ? error.name : typeof error });
        // In order: this record and the rest of the batch come again.
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
