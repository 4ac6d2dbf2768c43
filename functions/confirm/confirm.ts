import type { KMSClient } from '@aws-sdk/client-kms';
import { ulid } from 'ulid';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, verifyStoredCase } from '#lib/cases/integrity.ts';
import { CONFIRMATION_ACTOR, type CaseEvent } from '#lib/cases/model.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import { withDataKey } from '#lib/crypto/envelope.ts';
import type { FormCatalogue } from '#lib/forms/catalogue.ts';
import { addressAt } from '#lib/forms/confirmation.ts';
import type { ConfirmationClaims } from '#lib/status/confirmationClaim.ts';
import { confirmationMail, newsMail, statusLink } from '#lib/status/confirmationMail.ts';
import { SendThrottled, type Mailer } from '#lib/status/mailer.ts';
import type { StatusTokens } from '#lib/status/token.ts';

/** What the `confirmations` queue carries: ids only, never data; a message id for the news mail after an office's message. */
export interface ConfirmationMessage {
  caseId: string;
  messageId?: string;
}

/** Which delivery of the message this is; on the last one a failure is recorded before it is dead-lettered. */
export interface Attempt {
  lastAttempt: boolean;
}

/** `duplicate`: another copy of the message holds the case's confirmation (its claim's lease runs). */
export type Outcome = 'sent' | 'already-sent' | 'duplicate' | 'no-confirmation' | 'no-address' | 'no-case' | 'rejected';

export interface ConfirmDeps {
  cases: Pick<CaseStore, 'load'>;
  events: Pick<EventLog, 'append' | 'page'>;
  claims: Pick<ConfirmationClaims, 'claim' | 'settle' | 'release'>;
  kms: KMSClient;
  caseKeyId: string;
  forms: FormCatalogue;
  tokens: StatusTokens;
  mailer: Mailer;
  statusPageUrl: string;
  now?: () => Date;
}

/** SES refuses the mail itself (a malformed or suppressed address): retrying cannot help. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

/**
 * The confirmation worker's story for one message: load the case; if its form names an e-mail
 * field and no confirmation was sent yet, claim the case's confirmation (one copy of a duplicated
 * message wins, confirmationClaim.ts), record the decryption (actor `system:confirmation`),
 * decrypt and read the address, send the mail (no form data, the status link with the token),
 * settle the claim and, if the settle won, record `case.confirmation_sent`: one mail and one
 * event per case. A failure gives the claim up and throws so that the queue retries; on the last
 * attempt it is first recorded as `case.confirmation_failed`, unless SES throttled the send
 * (`SendThrottled`: the worker retries that without counting it). The address is never logged or stored.
 * A message with a message id is the news mail after an office's message: the same path, its claim
 * on that message's item (copies handled at the very same moment send one mail), the news text
 * instead of the confirmation, recorded as `case.citizen_notified` naming the message.
 */
export function createConfirmation(deps: ConfirmDeps) {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();

  /** Whether the mail is on record: the confirmation, or the news of this message (`case.citizen_notified` naming it). */
  async function alreadySent(caseId: string, messageId: string | undefined): Promise<boolean> {
    const sent = (event: CaseEvent): boolean =>
      messageId === undefined ? event.type === 'case.confirmation_sent' : event.type === 'case.citizen_notified' && event.detail === messageId;
    let after: string | undefined;
    for (;;) {
      const page = await deps.events.page(caseId, 500, after);
      if (page.items.some(sent)) return true;
      if (!page.more) return false;
      after = page.last;
    }
  }

  return async (message: ConfirmationMessage, attempt: Attempt): Promise<Outcome> => {
    const stored = await deps.cases.load(message.caseId);
    if (!stored) return 'no-case'; // expired or unknown: nothing to confirm
    const { summary, envelope, expiresAt, notes } = stored;
    const form = deps.forms.get(summary.formId, summary.formVersion);
    const pointer = form?.confirmation?.emailPointer;
    if (!form || !pointer) return 'no-confirmation';
    const news = message.messageId;
    if (await alreadySent(summary.caseId, news)) return 'already-sent';
    // One copy of a duplicated message wins: the case's confirmation, or the news of this message, is claimed.
    const subject = { caseId: summary.caseId, ...(news === undefined ? {} : { messageId: news }) };
    const claimId = ulid();
    if (!(await deps.claims.claim(subject, claimId))) return 'duplicate';
    const settle = (outcome: 'sent' | 'rejected' | 'no-address'): Promise<boolean> => deps.claims.settle(subject, claimId, outcome);

    const fail = async (error: unknown): Promise<never> => {
      await deps.claims.release(subject, claimId);
      // A news mail that never went out leaves the message where it is: the citizen still sees it on the status page.
      // A throttled send was no attempt (the worker retries it uncounted): never the last one.
      if (attempt.lastAttempt && news === undefined && !(error instanceof SendThrottled)) {
        await deps.events.append(summary.caseId, { at: now(), type: 'case.confirmation_failed', actor: CONFIRMATION_ACTOR }, expiresAt);
      }
      throw error;
    };

    try {
      // The decryption is recorded before any plaintext exists.
      await deps.events.append(summary.caseId, { at: now(), type: 'case.viewed', actor: CONFIRMATION_ACTOR }, expiresAt);
      const address = await withDataKey(deps.kms, deps.caseKeyId, contextOf(summary), envelope, (key) => {
        verifyStoredCase(key, stored, notes);
        return addressAt(JSON.parse(key.open('data', envelope).toString('utf8')), pointer);
      });
      if (address === undefined) {
        await settle('no-address');
        return 'no-address';
      }
      const link = statusLink(deps.statusPageUrl, summary.reference, await deps.tokens.issue(summary.caseId));
      try {
        await deps.mailer.send({ to: address, ...(news === undefined ? confirmationMail(form, summary, link) : newsMail(form, summary, link)) });
      } catch (error) {
        if (error instanceof Error && PERMANENT.has(error.name)) {
          if ((await settle('rejected')) && news === undefined) {
            await deps.events.append(summary.caseId, { at: now(), type: 'case.confirmation_failed', actor: CONFIRMATION_ACTOR }, expiresAt);
          }
          return 'rejected';
        }
        throw error;
      }
    } catch (error) {
      return fail(error);
    }
    // The mail is out. The event follows a won settle only: a copy that took over an expired lease records it itself.
    if (await settle('sent')) {
      const sent: CaseEvent =
        news === undefined
          ? { at: now(), type: 'case.confirmation_sent', actor: CONFIRMATION_ACTOR }
          : { at: now(), type: 'case.citizen_notified', actor: CONFIRMATION_ACTOR, detail: news };
      await deps.events.append(summary.caseId, sent, expiresAt);
    }
    return 'sent';
  };
}
