import type { KMSClient } from '@aws-sdk/client-kms';
import { parseRequest } from '#lib/http/parse.ts';
import { updateCaseRequest } from '#lib/api/schemas.ts';
import { canTransition } from '#lib/cases/model.ts';
import { newId, StaleCaseError, type CaseStore } from '#lib/cases/store.ts';
import { assertMayAccess, caseIdOf, clerkOf } from '#lib/cases/access.ts';
import { withCaseKey, type SealedPart } from '#lib/crypto/envelope.ts';
import { guardIntegrity } from '#lib/cases/integrity.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';

export interface UpdateCaseDeps {
  cases: CaseStore;
  kms: KMSClient;
  caseKeyId: string;
}

/** `If-Match: "<version>"`, compared strongly (RFC 9110): a weak or malformed tag never matches. */
function expectedVersion(ifMatch: string | undefined): number {
  if (ifMatch === undefined) throw new ProblemError('precondition-required');
  const match = /^"([0-9]{1,9})"$/.exec(ifMatch.trim());
  if (!match) throw new ProblemError('precondition-failed');
  return Number(match[1]);
}

/** PATCH /cases/{caseId}: one step of the workflow, with an optional note sealed under the case's key. */
export function createUpdateCase(deps: UpdateCaseDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const caseId = caseIdOf(event);
    const change = parseRequest(updateCaseRequest, event.body, 'body');
    const version = expectedVersion(event.headers['if-match']);
    const current = await deps.cases.get(caseId);
    assertMayAccess(clerk, current?.summary.office);
    const { summary, envelope } = current!;
    if (summary.version !== version) throw new ProblemError('precondition-failed', { headers: { ETag: `"${summary.version}"` } });
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
        withCaseKey(deps.kms, deps.caseKeyId, { caseId, formId: summary.formId }, envelope, (key) => key.seal(`note:${noteId}`, text)),
      );
      note = { noteId, sealed };
    }

    try {
      const next = await deps.cases.changeStatus(current!, { to: change.status, actor: clerk.sub, at: new Date().toISOString(), note });
      return json(200, next, { noStore: true, headers: { ETag: `"${next.version}"` } });
    } catch (error) {
      if (error instanceof StaleCaseError) throw new ProblemError('precondition-failed');
      throw error;
    }
  };
}
