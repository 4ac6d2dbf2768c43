import type { KMSClient } from '@aws-sdk/client-kms';
import { parseRequest } from '#lib/http/parse.ts';
import { updateCaseHeaders, updateCaseRequest } from '#lib/api/schemas.ts';
import { canTransition } from '#lib/cases/model.ts';
import { newId, StaleCaseError, type CaseStore } from '#lib/cases/store.ts';
import { caseIdOf, clerkOf } from '#lib/cases/access.ts';
import { withDataKey, type SealedPart } from '#lib/crypto/envelope.ts';
import { guardIntegrity } from '#lib/cases/integrity.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';

export interface UpdateCaseDeps {
  cases: CaseStore;
  kms: KMSClient;
  caseKeyId: string;
}

/** The case's entity tag: its version as a strong ETag. */
const entityTagOf = (version: number): string => `"${version}"`;

/** PATCH /cases/{caseId}: one step of the workflow, with an optional note sealed under the case's key. */
export function createUpdateCase(deps: UpdateCaseDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const caseId = caseIdOf(event);
    const change = parseRequest(updateCaseRequest, event.body, 'body');
    const ifMatch = parseRequest(updateCaseHeaders, event.headers, 'header')['if-match'];
    if (ifMatch === undefined) throw new ProblemError('precondition-required');
    const current = await deps.cases.getFor(clerk, caseId);
    const { summary, envelope } = current;
    // A strong comparison, byte for byte (RFC 9110): `"01"`, `W/"1"` or `*` never match `"1"`.
    if (ifMatch !== entityTagOf(summary.version)) throw new ProblemError('precondition-failed', { headers: { ETag: entityTagOf(summary.version) } });
    if (!canTransition(summary.status, change.status)) {
      throw new ProblemError('invalid-transition', {
        detail: { de: `Von „${summary.status}“ nicht nach „${change.status}“.`, en: `Not from "${summary.status}" to "${change.status}".` },
      });
    }

    let note: { noteId: string; sealed: SealedPart } | undefined;
    if (change.note !== undefined) {
      const noteId = newId();
      const text = Buffer.from(change.note, 'utf8');
      const sealed = await guardIntegrity(caseId, () =>
        withDataKey(deps.kms, deps.caseKeyId, { caseId, formId: summary.formId }, envelope, (key) => key.seal(`note:${noteId}`, text)),
      );
      note = { noteId, sealed };
    }

    try {
      const next = await deps.cases.changeStatus(current, { to: change.status, actor: clerk.sub, at: new Date().toISOString(), note });
      return json(200, next, { noStore: true, headers: { ETag: entityTagOf(next.version) } });
    } catch (error) {
      if (error instanceof StaleCaseError) throw new ProblemError('precondition-failed');
      throw error;
    }
  };
}
