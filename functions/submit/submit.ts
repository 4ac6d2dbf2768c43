import type { KMSClient } from '@aws-sdk/client-kms';
import { submissionHeaders, submissionRequest, type SubmissionResponse } from '#lib/api/schemas.ts';
import { parseRequest } from '#lib/http/parse.ts';
import { newId, type CaseStore } from '#lib/cases/store.ts';
import { sealNewCase } from '#lib/crypto/envelope.ts';
import { summaryMessage } from '#lib/cases/integrity.ts';
import type { FormCatalogue } from '#lib/forms/catalogue.ts';
import type { FormValidator } from '#lib/forms/validation.ts';
import { preferredLanguage } from '#lib/http/language.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import type { IdempotencyStore } from '#lib/submissions/idempotency.ts';
import type { StatusTokens } from '#lib/status/token.ts';

export interface SubmitDeps {
  forms: FormCatalogue;
  validator: FormValidator;
  kms: KMSClient;
  caseKeyId: string;
  cases: CaseStore;
  idempotency: IdempotencyStore;
  /** Derives the citizen's status token; never stored, so a replay derives it again. */
  statusTokens: StatusTokens;
  now?: () => Date;
}

const DAY_SECONDS = 24 * 60 * 60;

/** POST /forms/{formId}/submissions: validate, encrypt, store durably, then acknowledge. */
export function createSubmit(deps: SubmitDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const headers = parseRequest(submissionHeaders, event.headers, 'header');
    const body = parseRequest(submissionRequest, event.body, 'body');
    const form = deps.forms.get(event.pathParameters?.formId ?? '', body.formVersion);
    if (!form) {
      throw new ProblemError('not-found', { detail: { de: 'Formular oder Version unbekannt.', en: 'Unknown form or form version.' } });
    }
    const issues = deps.validator.validate(form, body.data, preferredLanguage(event.headers['accept-language']));
    if (issues.length > 0) throw new ProblemError('validation-failed', { errors: issues });

    const now = (deps.now ?? (() => new Date()))();
    const key = headers['idempotency-key'];
    let claim: { pk: string; owner: string } | undefined;
    if (key !== undefined) {
      const outcome = await deps.idempotency.claim(form.id, key, JSON.stringify(event.body), now);
      if (outcome.kind === 'replay') {
        // The stored answer holds no token (it would be plaintext at rest): derive it again.
        const original = JSON.parse(outcome.response) as Omit<SubmissionResponse, 'statusToken'>;
        const replayed: SubmissionResponse = { ...original, statusToken: await deps.statusTokens.issue(original.caseId) };
        return json(201, replayed, { noStore: true, headers: { 'Idempotent-Replayed': 'true' } });
      }
      if (outcome.kind === 'in-progress') throw new ProblemError('idempotency-in-progress', { headers: { 'Retry-After': '1' } });
      if (outcome.kind === 'reused') throw new ProblemError('idempotency-key-reused');
      claim = outcome;
    }

    try {
      const caseId = newId(now.getTime());
      // Derived before anything is stored: a failing secret must not follow a stored case with a 503.
      const statusToken = await deps.statusTokens.issue(caseId);
      const context = { caseId, formId: form.id, formVersion: form.version, office: form.office };
      const expiresAt = Math.floor(now.getTime() / 1000) + form.retentionDays * DAY_SECONDS;
      const answer = (summary: { reference: string; receivedAt: string }): Omit<SubmissionResponse, 'statusToken'> => ({
        caseId,
        reference: summary.reference,
        formId: form.id,
        formVersion: form.version,
        status: 'received',
        receivedAt: summary.receivedAt,
      });
      // The data key stays lent until the case is stored: each reference drawn needs its summary MAC.
      const stored = await sealNewCase(deps.kms, deps.caseKeyId, context, Buffer.from(JSON.stringify(body.data), 'utf8'), (envelope, key) =>
        deps.cases.putNew(
          { ...context, receivedAt: now.toISOString(), expiresAt, envelope, authenticate: (summary) => key.mac(summaryMessage(summary, expiresAt, [])) },
          (summary) => (claim ? [deps.idempotency.completion(claim.pk, claim.owner, JSON.stringify(answer(summary)))] : []),
        ),
      );
      return json(201, { ...answer(stored), statusToken } satisfies SubmissionResponse, { noStore: true });
    } catch (error) {
      if (claim) await deps.idempotency.release(claim.pk, claim.owner);
      throw error;
    }
  };
}
