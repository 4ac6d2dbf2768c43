import type { RefObject } from 'preact';
import { html } from '../../../console/shared/html.ts';
import { t } from '../i18n.ts';
import { href } from '../router.ts';

/** The `201` of a submission: what the confirmation page shows. */
export interface Receipt {
  caseId: string;
  reference: string;
  formId: string;
  formVersion: number;
  status: string;
  receivedAt: string;
  statusToken: string;
}

/** The link of the confirmation mail: the status page, the token in the fragment (never sent to a server). */
export const statusLinkOf = (receipt: Receipt): string =>
  `${location.origin}${href('status')}?reference=${encodeURIComponent(receipt.reference)}#token=${encodeURIComponent(receipt.statusToken)}`;

/** GOV.UK's confirmation page: the reference in a panel, what happens next, the status link. */
export function Confirmation({ receipt, title, heading }: { receipt: Receipt; title: string; heading: RefObject<HTMLHeadingElement> }) {
  return html`<div class="kern-alert kern-alert--success portal-panel">
      <div class="kern-alert__header"><h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${t('doneTitle')}</h1></div>
      <div class="kern-alert__body">
        <p class="kern-body">${title}</p>
        <p class="kern-body">${t('doneReference')}: <strong class="portal-reference">${receipt.reference}</strong></p>
      </div>
    </div>
    <h2 class="kern-heading-medium">${t('doneNext')}</h2>
    <p class="kern-body">${t('doneMail')}</p>
    <p class="kern-body"><a class="kern-link" href=${statusLinkOf(receipt)}>${t('doneStatusLink')}</a></p>
    <p class="kern-body">${t('doneKeepLink')}</p>
    <p class="kern-body"><a class="kern-link" href=${href('')}>${t('doneAnother')}</a></p>`;
}
