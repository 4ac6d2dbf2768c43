import { useEffect, useState } from 'preact/hooks';
import { html } from '../../../console/shared/html.ts';
import { ApiProblem, getJson } from '../api.ts';
import { formatTime, language, t, type StringKey } from '../i18n.ts';
import type { StatusSectionProps } from './statusSections.ts';

/**
 * "Who saw your data?" (docs/portal.md §5a, the *Datenschutzcockpit*): each access with its time,
 * its kind in plain words and the office's display name or the system; the API never names a clerk.
 */
export interface Access {
  at: string;
  kind: string;
  by: string;
}

const KINDS: Record<string, StringKey> = {
  viewed: 'accessViewed',
  'file-viewed': 'accessFileViewed',
  exported: 'accessExported',
  delivered: 'accessDelivered',
  mail: 'accessMail',
};

export const accessKind = (kind: string): string => t(KINDS[kind] ?? 'accessOther');
export const accessBy = (by: string): string => (by === 'system' ? t('accessesSystem') : by);

export function AccessesSection({ reference, token, status, loads }: StatusSectionProps) {
  const [accesses, setAccesses] = useState<Access[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  // The office's display name comes in the language of the request: ask again when it changes.
  const lang = language();
  useEffect(() => {
    let stopped = false;
    getJson<{ items: Access[] }>(`/status/${encodeURIComponent(reference)}/accesses`, { 'Status-Token': token }).then(
      (answer) => {
        if (stopped) return;
        setProblem(undefined);
        setAccesses(answer.items);
      },
      (error: unknown) => !stopped && setProblem(error instanceof ApiProblem && error.problem.status === 429 ? t('statusTooMany') : t('accessesFailed')),
    );
    return () => {
      stopped = true;
    };
  }, [reference, token, status.updatedAt, loads, lang]);

  return html`<section class="portal-accesses" aria-labelledby="accesses-title">
    <h2 class="kern-heading-medium" id="accesses-title">${t('accessesTitle')}</h2>
    <p class="kern-body">${t('accessesIntro')}</p>
    ${problem
      ? html`<div class="kern-alert kern-alert--danger" role="alert"><div class="kern-alert__body"><p class="kern-body">${problem}</p></div></div>`
      : !accesses
        ? html`<p class="kern-body" role="status">${t('loading')}</p>`
        : accesses.length === 0
          ? html`<p class="kern-body">${t('accessesNone')}</p>`
          : html`<table class="kern-table portal-accesses__table">
              <caption class="kern-sr-only">${t('accessesTitle')}</caption>
              <thead class="kern-table__head"><tr class="kern-table__row">
                <th class="kern-table__header" scope="col">${t('accessesWhen')}</th>
                <th class="kern-table__header" scope="col">${t('accessesWhat')}</th>
                <th class="kern-table__header" scope="col">${t('accessesWho')}</th>
              </tr></thead>
              <tbody class="kern-table__body">
                ${accesses.map(
                  (access, index) => html`<tr class="kern-table__row" key=${index}>
                    <td class="kern-table__cell"><time datetime=${access.at}>${formatTime(access.at)}</time></td>
                    <td class="kern-table__cell">${accessKind(access.kind)}</td>
                    <td class="kern-table__cell">${accessBy(access.by)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
  </section>`;
}
