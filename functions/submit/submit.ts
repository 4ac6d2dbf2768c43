import type { KMSClient } from '@aws-sdk/client-kms';
import type { SubmissionResponse } from '#lib/api/schemas.ts';
import { newId, type CaseStore } from '#lib/cases/store.ts';
import { sealNewCase } from '#lib/crypto/envelope.ts';
import { summaryMessage } from '#lib/cases/integrity.ts';
import type { FormCatalogue, FormDefinition } from '#lib/forms/catalogue.ts';
import { bindingFor, type Binding } from '#lib/attachments/binding.ts';
import { attachmentsIn } from '#lib/attachments/fields.ts';
import type { AttachmentStore } from '#lib/attachments/store.ts';
import type { FormValidator } from '#lib/forms/validation.ts';
import { preferredLanguage, type Language } from '#lib/http/language.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { submissionOf } from './request.ts';
import type { IdempotencyStore } from '#lib/submissions/idempotency.ts';
import type { StatusTokens } from '#lib/status/token.ts';
import type { CitizenTokens } from '#lib/bundid/token.ts';
import { citizenOf } from '#lib/bundid/citizen.ts';
import { sealIdentity } from '#lib/cases/identity.ts';

export interface SubmitDeps {
  forms: FormCatalogue;
  validator: FormValidator;
  kms: KMSClient;
  caseKeyId: string;
  cases: CaseStore;
  idempotency: IdempotencyStore;
  /** Tickets of uploaded files, bound in the case's transaction; without it, forms with file fields cannot be submitted. */
  attachments?: { store: AttachmentStore; casesTable: string };
  /** Derives the citizen's status token; never stored, so a replay derives it again. */
  statusTokens: StatusTokens;
  /** Verifies citizen tokens; without it, forms that need sign-in cannot be submitted (401). */
  citizenTokens?: CitizenTokens;
  now?: () => Date;
}

const DAY_SECONDS = 24 * 60 * 60;

/** The files the data names, checked for binding; none for a form without file fields. */
async function bindingOf(deps: SubmitDeps, form: FormDefinition, data: unknown, language: Language): Promise<Binding | undefined> {
  if (attachmentsIn(form.schema, data).length === 0) return undefined;
  if (!deps.attachments) throw new Error(`form ${form.id} names files, but submit has no attachment store`);
  return bindingFor(deps.attachments.store, deps.attachments.casesTable, form, data, language);
}

/** POST /forms/{formId}/submissions: validate, encrypt, store durably, then acknowledge. */
export function createSubmit(deps: SubmitDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const body = submissionOf(event.headers, event.body);
    const form = deps.forms.get(event.pathParameters?.formId ?? '', body.formVersion);
    if (!form) {
      throw new ProblemError('not-found', { detail: { de: 'Formular oder Version unbekannt.', en: 'Unknown form or form version.' } });
    }
    // A form that needs sign-in: the citizen token first (401, 403), before anything is read.
    const identity = form.authentication ? await citizenOf(deps.citizenTokens, event.headers, form.authentication.level) : undefined;
    const language = preferredLanguage(event.headers['accept-language']);
    const issues = deps.validator.validate(form, body.data, language);
    if (issues.length > 0) throw new ProblemError('validation-failed', { errors: issues });

    const now = (deps.now ?? (() => new Date()))();
    const key = body.idempotencyKey;
    let claim: { pk: string; owner: string } | undefined;
    if (key !== undefined) {
      // Signed in, the key is the citizen's own: another citizen's same key and body is no replay of it.
      const request = identity ? JSON.stringify({ body: event.body, citizen: identity.sub }) : JSON.stringify(event.body);
      const outcome = await deps.idempotency.claim(form.id, key, request, now);
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
      const binding = await bindingOf(deps, form, body.data, language);
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
      // Case, reference and event come first in the transaction, then the completion, then the files.
      const firstFileItem = 3 + (claim ? 1 : 0);
      const stored = await sealNewCase(deps.kms, deps.caseKeyId, context, Buffer.from(JSON.stringify(body.data), 'utf8'), (envelope, key) =>
        deps.cases.putNew(
          {
            ...context,
            receivedAt: now.toISOString(),
            expiresAt,
            envelope,
            authenticate: (summary) => key.mac(summaryMessage(summary, expiresAt, [], identity !== undefined)),
            ...(identity ? { identity: { sealed: sealIdentity(key, identity), citizen: identity.sub } } : {}),
          },
          (summary) => [
            ...(claim ? [deps.idempotency.completion(claim.pk, claim.owner, JSON.stringify(answer(summary)))] : []),
            ...(binding?.items(caseId, expiresAt) ?? []),
          ],
        ),
      ).catch((error: unknown) => {
        throw binding?.refusalOf(error, firstFileItem) ?? error;
      });
      return json(201, { ...answer(stored), statusToken } satisfies SubmissionResponse, { noStore: true });
    } catch (error) {
      if (claim) await deps.idempotency.release(claim.pk, claim.owner);
      throw error;
    }
  };
}
