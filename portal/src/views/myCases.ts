import { useEffect, useState } from 'preact/hooks';
import { html } from '../../../console/shared/html.ts';
import { timeParts } from '../../../console/shared/formats.ts';
import { formatDate } from '../../../console/shared/schemaText.ts';
import { ApiProblem, getJson } from '../api.ts';
import { language, statusName, t } from '../i18n.ts';
import { citizenAuthorization, forgetSignIn, signInState } from '../signIn.ts';
import { href } from '../router.ts';
import type { FormSummary } from './formList.ts';
import { usePage } from './pageTitle.ts';
import { SignedInAs, SignInPage } from './signIn.ts';

/** One line of `GET /me/cases`. */
export interface MyCase {
  reference: string;
  formId: string;
  status: string;
  receivedAt: string;
  updatedAt: string;
}

/** A point in time as a German (or English) date in Berlin: `07.12.2026`. */
const dateOf = (iso: string): string => {
  const { year, month, day } = timeParts(new Date(iso), 'Europe/Berlin');
  return formatDate(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, language());
};

/**
 * "Meine Anträge": with a citizen token in the tab, the cases of `GET /me/cases`, newest first
 * (reference, form, status in plain words, dates), each reference a link to its status page (which
 * reads the case's messages with the citizen token); without one, or when it has run out, the
 * sign-in (any level will do).
 */
export function MyCases({ forms }: { forms: FormSummary[] }) {
  const session = signInState();
  const [cases, setCases] = useState<MyCase[] | undefined>();
  const [refused, setRefused] = useState(false);
  const [failed, setFailed] = useState(false);
  const heading = usePage(session.state === 'signed-in' && !refused ? t('myTitle') : t('signInTitle'));
  const token = session.state === 'signed-in' ? session.token : undefined;
  useEffect(() => {
    if (!token) return;
    getJson<{ items: MyCase[] }>('/me/cases', citizenAuthorization()).then(
      ({ items }) => setCases([...items].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))),
      (error: unknown) => {
        if (error instanceof ApiProblem && error.problem.status === 401) {
          forgetSignIn();
          setRefused(true);
        } else setFailed(true);
      },
    );
  }, [token]);

  if (session.state !== 'signed-in' || refused) {
    const problem = refused ? t('signInRefused') : session.state === 'expired' ? t('signInExpired') : undefined;
    return html`<${SignInPage} level="low" returnPath="me" context=${t('myTitle')} intro=${t('mySignIn')} problem=${problem} heading=${heading} />`;
  }
  const titleOf = (formId: string): string => forms.find((form) => form.id === formId)?.title[language()] ?? formId;
  return html`<h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${t('myTitle')}</h1>
    <${SignedInAs} claims=${session.claims} />
    <p class="kern-body">${t('myIntro')}</p>
    ${failed
      ? html`<div class="kern-alert kern-alert--danger" role="alert"><div class="kern-alert__body"><p class="kern-body">${t('sendFailed')}</p></div></div>`
      : !cases
        ? html`<p class="kern-body" role="status">${t('loading')}</p>`
        : cases.length === 0
          ? html`<p class="kern-body">${t('myNone')}</p>`
          : html`<table class="kern-table portal-my-cases">
              <caption class="kern-title">${t('myTitle')}</caption>
              <thead class="kern-table__head">
                <tr class="kern-table__row">
                  <th scope="col" class="kern-table__header">${t('myReference')}</th>
                  <th scope="col" class="kern-table__header">${t('myForm')}</th>
                  <th scope="col" class="kern-table__header">${t('myStatus')}</th>
                  <th scope="col" class="kern-table__header">${t('myReceived')}</th>
                  <th scope="col" class="kern-table__header">${t('myUpdated')}</th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                ${cases.map(
                  (item) => html`<tr key=${item.reference} class="kern-table__row">
                    <td class="kern-table__cell portal-my-reference"><a class="kern-link" href=${href(`status?reference=${encodeURIComponent(item.reference)}`)}>${item.reference}</a></td>
                    <td class="kern-table__cell">${titleOf(item.formId)}</td>
                    <td class="kern-table__cell">${statusName(item.status)}</td>
                    <td class="kern-table__cell"><time datetime=${item.receivedAt}>${dateOf(item.receivedAt)}</time></td>
                    <td class="kern-table__cell"><time datetime=${item.updatedAt}>${dateOf(item.updatedAt)}</time></td>
                  </tr>`,
                )}
              </tbody>
            </table>`}`;
}
