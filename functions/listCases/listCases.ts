import type { CaseList } from '#lib/cases/list.ts';
import { clerkOf, officeFor } from '#lib/cases/access.ts';
import { issueCursor, readCursor } from '#lib/cases/cursor.ts';
import type { Hmac } from '#lib/crypto/hmac.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { casesQueryOf } from './query.ts';

export interface ListCasesDeps {
  list: CaseList;
  hmac: Hmac;
}

/** GET /cases: the clerk's office's cases, newest first, one page at a time. Decrypts nothing. */
export function createListCases(deps: ListCasesDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const query = casesQueryOf(event.queryStringParameters ?? {});
    const scope = { office: officeFor(clerk, query.office), formId: query.formId, status: query.status };
    const after = query.cursor === undefined ? undefined : await readCursor(deps.hmac, scope, query.cursor);
    const page = await deps.list(scope, query.limit ?? 25, after);
    const last = page.items.at(-1);
    return json(
      200,
      {
        items: page.items.map(({ sortKey: _sortKey, ...summary }) => summary),
        nextCursor: page.more && last ? await issueCursor(deps.hmac, scope, last.sortKey) : null,
      },
      { noStore: true },
    );
  };
}
