import { useEffect, useRef, useState } from 'preact/hooks';
import { request, getJson, ApiProblem, SessionExpired } from '../api.ts';
import type { Session } from '../auth.ts';
import { html } from '../html.ts';
import { formatTime, language, statusLabel, t, type StringKey } from '../i18n.ts';
import { CASE_STATUSES } from '../../../functions/lib/cases/model.ts';
import type { FormSummary } from '../main.ts';
import { officeLabel } from '../offices.ts';

interface CaseSummary {
  caseId: string;
  reference: string;
  formId: string;
  formVersion: number;
  office: string;
  status: string;
  receivedAt: string;
}

export interface ListFilters {
  office: string;
  formId: string;
  status: string;
}

interface Props {
  session: Session;
  forms: FormSummary[];
  filters: ListFilters;
  onFilters: (filters: ListFilters) => void;
}

const PAGE_SIZE = 20;

/** The office's cases with filters and paging (cursors kept for "previous"), and the export. */
export function CaseList({ session, forms, filters, onFilters }: Props) {
  const [draft, setDraft] = useState(filters);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ items: CaseSummary[]; nextCursor: string | null } | undefined>();
  // The console's own words by key, so they follow a change of language; the API's answers as text.
  const [error, setError] = useState<{ key: StringKey } | { text: string } | undefined>();
  const [notice, setNotice] = useState<StringKey | undefined>();
  const [range, setRange] = useState({ from: '', to: '' });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const officeForms = forms.filter((form) => form.office === filters.office);
  const draftForms = forms.filter((form) => form.office === draft.office);
  const titleOf = (formId: string) => forms.find((form) => form.id === formId)?.title[language()] ?? formId;

  useEffect(() => {
    let stale = false;
    const query = new URLSearchParams({ office: filters.office, limit: String(PAGE_SIZE) });
    if (filters.formId) query.set('formId', filters.formId);
    if (filters.status) query.set('status', filters.status);
    const cursor = cursors.at(-1);
    if (cursor) query.set('cursor', cursor);
    setPage(undefined);
    getJson<{ items: CaseSummary[]; nextCursor: string | null }>(`/cases?${query}`).then(
      (answer) => !stale && setPage(answer),
      (failure: unknown) => !stale && !(failure instanceof SessionExpired) && setError({ text: (failure as Error).message }),
    );
    return () => {
      stale = true;
    };
  }, [filters, cursors]);

  const apply = (event: Event) => {
    event.preventDefault();
    setCursors([undefined]);
    onFilters(draft);
  };

  const exportCsv = async (event: Event) => {
    event.preventDefault();
    setNotice(undefined);
    setError(undefined);
    if (!filters.formId) return setError({ key: 'exportNeedsForm' });
    const query = new URLSearchParams({ office: filters.office, formId: filters.formId, format: 'csv' });
    // Whole days in Berlin time; `to` is the end of the chosen day.
    if (range.from) query.set('from', new Date(`${range.from}T00:00:00`).toISOString());
    if (range.to) query.set('to', new Date(new Date(`${range.to}T00:00:00`).getTime() + 86_400_000).toISOString());
    try {
      const response = await request('GET', `/cases/export?${query}`);
      const blob = await response.blob();
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${filters.formId}.csv`;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      setNotice('exportDone');
    } catch (failure) {
      if (failure instanceof SessionExpired) return;
      setError({ text: failure instanceof ApiProblem ? failure.message : String(failure) });
    }
  };

  const select = (id: string, label: string, value: string, options: [string, string][], onChange: (value: string) => void) =>
    html`<div class="kern-form-input">
      <label class="kern-label" for=${id}>${label}</label>
      <div class="kern-form-input__select-wrapper">
        <select class="kern-form-input__select" id=${id} value=${value} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
          ${options.map(([optionValue, text]) => html`<option value=${optionValue} key=${optionValue}>${text}</option>`)}
        </select>
      </div>
    </div>`;

  return html`<section class="kern-container" aria-labelledby="cases-title">
    <h1 id="cases-title" class="kern-heading-large" tabindex="-1" ref=${heading}>${t('casesTitle')}</h1>
    <form class="filters" onSubmit=${apply} aria-label=${t('filters')}>
      ${select('filter-office', t('office'), draft.office, session.offices.map((office) => [office, officeLabel(forms, office)]), (office) => setDraft({ office, formId: '', status: draft.status }))}
      ${select('filter-form', t('form'), draft.formId, [['', t('all')], ...draftForms.map((form): [string, string] => [form.id, form.title[language()]])], (formId) => setDraft({ ...draft, formId }))}
      ${select('filter-status', t('status'), draft.status, [['', t('all')], ...CASE_STATUSES.map((status): [string, string] => [status, statusLabel(status)])], (status) => setDraft({ ...draft, status }))}
      <div class="filters__action"><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">${t('apply')}</span></button></div>
    </form>
    ${error ? html`<div class="kern-alert kern-alert--danger" role="alert"><div class="kern-alert__body"><p class="kern-body">${'key' in error ? t(error.key) : error.text}</p></div></div>` : null}
    <div role="status" class="kern-sr-only">${page ? `${page.items.length} ${t('casesTitle')}` : t('loading')}</div>
    ${page === undefined
      ? html`<p class="kern-body">${t('loading')}</p>`
      : page.items.length === 0
        ? html`<p class="kern-body">${t('noCases')}</p>`
        : html`<div class="kern-table-responsive">
            <table class="kern-table kern-table--striped">
              <caption class="kern-sr-only">${t('casesCaption')}</caption>
              <thead class="kern-table__header"><tr class="kern-table__row">
                <th scope="col" class="kern-table__header">${t('reference')}</th>
                <th scope="col" class="kern-table__header">${t('form')}</th>
                <th scope="col" class="kern-table__header">${t('status')}</th>
                <th scope="col" class="kern-table__header">${t('receivedAt')}</th>
              </tr></thead>
              <tbody class="kern-table__body">
                ${page.items.map(
                  (item) => html`<tr class="kern-table__row" key=${item.caseId}>
                    <td class="kern-table__cell"><a class="kern-link" href=${`#/cases/${item.caseId}`}>${item.reference}</a></td>
                    <td class="kern-table__cell">${titleOf(item.formId)}</td>
                    <td class="kern-table__cell">${statusLabel(item.status)}</td>
                    <td class="kern-table__cell">${formatTime(item.receivedAt)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
    <nav class="paging" aria-label=${t('page')}>
      <button type="button" class="kern-btn kern-btn--secondary" disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}>
        <span class="kern-label">${t('previousPage')}</span>
      </button>
      <span class="kern-body">${t('page')} ${cursors.length}</span>
      <button type="button" class="kern-btn kern-btn--secondary" disabled=${!page?.nextCursor} onClick=${() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
        <span class="kern-label">${t('nextPage')}</span>
      </button>
    </nav>
    <section class="export" aria-labelledby="export-title">
      <h2 id="export-title" class="kern-heading-medium">${t('exportTitle')}</h2>
      <p class="kern-body">${t('exportIntro')}</p>
      <p class="kern-body">${t('form')}: <strong>${filters.formId ? titleOf(filters.formId) : t('exportNeedsForm')}</strong></p>
      <form class="filters" onSubmit=${exportCsv}>
        <div class="kern-form-input">
          <label class="kern-label" for="export-from">${t('exportFrom')}</label>
          <input class="kern-form-input__input" type="date" id="export-from" value=${range.from} onInput=${(e: Event) => setRange({ ...range, from: (e.target as HTMLInputElement).value })} />
        </div>
        <div class="kern-form-input">
          <label class="kern-label" for="export-to">${t('exportTo')}</label>
          <input class="kern-form-input__input" type="date" id="export-to" value=${range.to} onInput=${(e: Event) => setRange({ ...range, to: (e.target as HTMLInputElement).value })} />
        </div>
        <div class="filters__action"><button type="submit" class="kern-btn kern-btn--secondary" disabled=${officeForms.length === 0}><span class="kern-label">${t('exportButton')}</span></button></div>
      </form>
      ${notice ? html`<div class="kern-alert kern-alert--success" role="status"><div class="kern-alert__body"><p class="kern-body">${t(notice)}</p></div></div>` : null}
    </section>
  </section>`;
}
