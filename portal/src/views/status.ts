import { useEffect, useState } from 'preact/hooks';
import { html } from '../../../console/shared/html.ts';
import { ApiProblem, getJson } from '../api.ts';
import { formatTime, t, statusMeaning, statusName } from '../i18n.ts';
import { usePage } from './pageTitle.ts';
import { signInState } from '../signIn.ts';
import { accessHeaders } from '../statusAccess.ts';
import { citizenTokenSections, statusSections, type CaseStatus } from './statusSections.ts';

/**
 * The status page of the confirmation mail's link (`status?reference=…#token=…`): the token is read
 * from the fragment, which browsers never send, and goes to the API only as the `Status-Token`
 * header, so it reaches no server log. The status in plain words, then the history as a time line,
 * then what statusSections.ts adds (messages, accesses). Without a token in the fragment, a
 * citizen signed in in this tab sees his own case (from "Meine Anträge") through his citizen token.
 */
export const tokenOfFragment = (hash: string): string | undefined => new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? undefined;

/**
 * The status changes, oldest first: the answer's `history`; where an API gives none, what the
 * summary tells (received, and the current status since the last change).
 */
export function timelineOf(status: CaseStatus): { at: string; status: string }[] {
  if (Array.isArray(status.history) && status.history.length > 0) return status.history;
  const received = { at: status.receivedAt, status: 'received' };
  return status.status === 'received' ? [received] : [received, { at: status.updatedAt, status: status.status }];
}

/**
 * The status of a signed-in citizen's own case without the mail's link (`status?reference=…` from
 * "Meine Anträge"): `GET /status` takes the status token only, so the status comes from `GET /me/cases`
 * (reference, form, status, times); a reference that is not the citizen's is the same 404.
 */
async function myCaseStatus(reference: string, citizenToken: string): Promise<CaseStatus> {
  const { items } = await getJson<{ items: CaseStatus[] }>('/me/cases', accessHeaders(citizenToken));
  const found = items.find((item) => item.reference === reference);
  if (!found) throw new ApiProblem({ type: 'urn:problem:not-found', title: 'Not Found', status: 404 });
  return found;
}

export function StatusPage({ reference }: { reference: string | null }) {
  const heading = usePage(t('statusTitle'));
  const statusToken = tokenOfFragment(window.location.hash);
  // Without the mail's link, a signed-in citizen's token: his case's status and messages (not the accesses: their route takes the status token only).
  const session = signInState();
  const citizenToken = !statusToken && session.state === 'signed-in' ? session.token : undefined;
  const token = statusToken ?? citizenToken;
  const sections = citizenToken ? citizenTokenSections : statusSections;
  const [status, setStatus] = useState<CaseStatus | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [loads, setLoads] = useState(0);
  const reload = (): void => setLoads((n) => n + 1);
  useEffect(() => {
    if (!reference || !token) return;
    setProblem(undefined);
    const loading = statusToken ? getJson<CaseStatus>(`/status/${encodeURIComponent(reference)}`, accessHeaders(statusToken)) : myCaseStatus(reference, token);
    loading.then(setStatus, (error: unknown) =>
      setProblem(error instanceof ApiProblem && error.problem.status === 429 ? t('statusTooMany') : error instanceof ApiProblem && error.problem.status === 404 ? t('statusNotFound') : t('sendFailed')),
    );
  }, [reference, token, loads]);

  const body = !reference || !token
    ? html`<p class="kern-body">${t('statusNoToken')}</p>`
    : problem
      ? html`<div class="kern-alert kern-alert--danger" role="alert"><div class="kern-alert__body"><p class="kern-body">${problem}</p></div></div>`
      : !status
        ? html`<p class="kern-body" role="status">${t('loading')}</p>`
        : html`<div class="kern-alert kern-alert--info portal-panel" aria-labelledby="status-now">
              <div class="kern-alert__header"><h2 class="kern-title" id="status-now">${t('statusNow')}: <span class="portal-status">${statusName(status.status)}</span></h2></div>
              <div class="kern-alert__body"><p class="kern-body">${statusMeaning(status.status)}</p></div>
            </div>
            <dl class="kern-description-list">
              <div class="kern-description-list-item"><dt class="kern-description-list-item__key">${t('doneReference')}</dt><dd class="kern-description-list-item__value">${status.reference}</dd></div>
              <div class="kern-description-list-item"><dt class="kern-description-list-item__key">${t('statusReceived')}</dt><dd class="kern-description-list-item__value">${formatTime(status.receivedAt)}</dd></div>
              <div class="kern-description-list-item"><dt class="kern-description-list-item__key">${t('statusUpdated')}</dt><dd class="kern-description-list-item__value">${formatTime(status.updatedAt)}</dd></div>
            </dl>
            <h2 class="kern-heading-medium">${t('statusHistory')}</h2>
            <ol class="portal-timeline">
              ${timelineOf(status).map(
                (entry, index) => html`<li key=${index}><time datetime=${entry.at}>${formatTime(entry.at)}</time>: ${statusName(entry.status)}</li>`,
              )}
            </ol>
            ${sections.map((Section, index) => html`<${Section} key=${index} reference=${reference} token=${token} status=${status} reload=${reload} loads=${loads} />`)}
            <div class="actions">
              <button type="button" class="kern-btn kern-btn--secondary" onClick=${() => setLoads((n) => n + 1)}><span class="kern-label">${t('statusReload')}</span></button>
            </div>`;
  return html`<h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${t('statusTitle')}</h1>${body}`;
}
