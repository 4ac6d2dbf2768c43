import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configureApi, getJson } from './api.ts';
import { completeCognitoSignIn, currentSession, endSession, sessionExpired, signOutUrl, type Session } from './auth.ts';
import { loadConfig, type ConsoleConfig } from './config.ts';
import { html } from './html.ts';
import { language, onLanguageChange, setLanguage, t } from './i18n.ts';
import { CaseDetailView } from './views/caseDetail.ts';
import { CaseList, type ListFilters } from './views/caseList.ts';
import { SignIn } from './views/signIn.ts';

export interface FormSummary {
  id: string;
  version: number;
  office: string;
  officeName: { de: string; en: string };
  title: { de: string; en: string };
}

const routeOf = (hash: string): { view: 'list' } | { view: 'case'; caseId: string } => {
  const match = /^#\/cases\/([0-9A-Z]{26})$/.exec(hash);
  return match ? { view: 'case', caseId: match[1]! } : { view: 'list' };
};

function App({ config, forms }: { config: ConsoleConfig; forms: FormSummary[] }) {
  const [session, setSession] = useState<Session | undefined>(currentSession());
  const [expired, setExpired] = useState(sessionExpired());
  const [route, setRoute] = useState(routeOf(window.location.hash));
  const [, rerender] = useState(0);
  const [filters, setFilters] = useState<ListFilters | undefined>();

  useEffect(() => {
    configureApi(config.apiUrl, () => {
      endSession();
      setExpired(true);
      setSession(undefined);
    });
    const onHash = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    const unsubscribe = onLanguageChange(() => rerender((n) => n + 1));
    // A token that runs out while the clerk reads leads back to sign-in, not to a failing request.
    const timer = setInterval(() => {
      if (session && session.expiresAt <= Date.now()) {
        endSession();
        setExpired(true);
        setSession(undefined);
      }
    }, 5_000);
    return () => {
      window.removeEventListener('hashchange', onHash);
      unsubscribe();
      clearInterval(timer);
    };
  }, [session]);

  useEffect(() => {
    document.title = `${t('appTitle')} – ${language() === 'de' ? 'Kreisverwaltung' : 'District administration'}`;
  });

  const signOut = () => {
    endSession();
    setExpired(false);
    setSession(undefined);
    const url = signOutUrl(config.auth);
    if (url) window.location.assign(url);
  };

  const offices = [...new Set(forms.map((form) => form.office))].sort();
  const activeFilters: ListFilters | undefined = session && (filters && session.offices.includes(filters.office) ? filters : { office: session.offices[0] ?? '', formId: '', status: '' });

  return html`
    <a class="skip-link kern-link" href="#main">${t('skipToContent')}</a>
    <header class="app-header">
      <div class="kern-container app-header__inner">
        <div>
          <p class="kern-title app-title">${t('appTitle')}</p>
          <p class="kern-body kern-body--small">${t('appSubtitle')}</p>
        </div>
        <div class="app-header__actions">
          <button type="button" class="kern-btn kern-btn--tertiary" lang=${language() === 'de' ? 'en' : 'de'}
            onClick=${() => setLanguage(language() === 'de' ? 'en' : 'de')}>
            <span class="kern-label">${t('switchLanguage')}</span>
          </button>
          ${session
            ? html`<span class="kern-body">${t('signedInAs')} <strong>${session.sub}</strong></span>
                <button type="button" class="kern-btn kern-btn--secondary" onClick=${signOut}><span class="kern-label">${t('signOut')}</span></button>`
            : null}
        </div>
      </div>
    </header>
    <main id="main" tabindex="-1">
      ${!session || !activeFilters
        ? html`<${SignIn} config=${config} offices=${offices} forms=${forms} expired=${expired} onSignedIn=${(next: Session) => {
            setExpired(false);
            setSession(next);
          }} />`
        : route.view === 'case'
          ? html`<${CaseDetailView} key=${route.caseId} caseId=${route.caseId} />`
          : html`<${CaseList} session=${session} forms=${forms} filters=${activeFilters} onFilters=${setFilters} />`}
    </main>`;
}

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  setLanguage(new URLSearchParams(window.location.search).get('lang') === 'en' ? 'en' : 'de');
  try {
    const config = await loadConfig();
    configureApi(config.apiUrl, () => undefined);
    if (config.auth.kind === 'cognito') await completeCognitoSignIn(config.auth);
    const { items: forms } = await getJson<{ items: FormSummary[] }>('/forms', { clerk: false });
    root.textContent = '';
    render(html`<${App} config=${config} forms=${forms} />`, root);
  } catch (error) {
    root.textContent = `${t('error')}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

void start();
