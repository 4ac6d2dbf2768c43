import { html } from '../../../console/shared/html.ts';
import { t } from '../i18n.ts';
import { href } from '../router.ts';
import { usePage } from './pageTitle.ts';

export function Missing() {
  const heading = usePage(t('notFoundTitle'));
  return html`<h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${t('notFoundTitle')}</h1>
    <p class="kern-body">${t('notFoundText')}</p>
    <p class="kern-body"><a class="kern-link" href=${href('')}>${t('footerForms')}</a></p>`;
}
