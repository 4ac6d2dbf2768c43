import { html } from '../../../console/shared/html.ts';
import { language, t } from '../i18n.ts';
import { href } from '../router.ts';
import { usePage } from './pageTitle.ts';

export interface FormSummary {
  id: string;
  version: number;
  office: string;
  officeName?: { de: string; en: string };
  title: { de: string; en: string };
  description: { de: string; en: string };
}

/** The start page: every form offered, with what it is for and a link that starts it. */
export function FormList({ forms }: { forms: FormSummary[] }) {
  const heading = usePage(t('formsTitle'));
  return html`<h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${t('formsTitle')}</h1>
    <p class="kern-body">${t('formsIntro')}</p>
    ${forms.length === 0 ? html`<p class="kern-body">${t('noForms')}</p>` : null}
    <ul class="portal-forms">
      ${forms.map(
        (form) => html`<li key=${form.id} class="portal-forms__item">
          <h2 class="kern-heading-medium"><a class="kern-link" href=${href(`forms/${form.id}`)}>${form.title[language()]}</a></h2>
          ${form.officeName ? html`<p class="kern-body kern-body--small">${form.officeName[language()]}</p>` : null}
          <p class="kern-body">${form.description[language()]}</p>
        </li>`,
      )}
    </ul>`;
}
