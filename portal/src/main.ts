import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../console/shared/html.ts';
import { configureApi, getJson } from './api.ts';
import { loadConfig, type PortalConfig } from './config.ts';
import { language, onLanguageChange, setLanguage, t, type Language } from './i18n.ts';
import { followLinksInApp, href, onNavigate, routeOf, type Route } from './router.ts';
import { AccessibilityStatement } from './views/accessibility.ts';
import { EasyLanguage } from './views/easyLanguage.ts';
import { FormList, type FormSummary } from './views/formList.ts';
import { Journey } from './views/journey.ts';
import { Missing } from './views/missing.ts';
import { MyCases } from './views/myCases.ts';
import { takeTokenFromFragment } from './signIn.ts';
import { StatusPage } from './views/status.ts';

const LANGUAGE_KEY = 'egov-portal.language';

function Page({ route, config, forms }: { route: Route; config: PortalConfig; forms: FormSummary[] }) {
  switch (route.view) {
    case 'forms':
      return html`<${FormList} forms=${forms} />`;
    case 'form':
      return html`<${Journey} key=${route.formId} formId=${route.formId} page=${route.page} />`;
    case 'status':
      return html`<${StatusPage} reference=${route.reference} />`;
    case 'accessibility':
      return html`<${AccessibilityStatement} config=${config} />`;
    case 'easy-language':
      return html`<${EasyLanguage} />`;
    case 'me':
      return html`<${MyCases} forms=${forms} />`;
    default:
      return html`<${Missing} />`;
  }
}

function App({ config, forms }: { config: PortalConfig; forms: FormSummary[] }) {
  const [route, setRoute] = useState<Route>(routeOf(window.location));
  const [, rerender] = useState(0);
  useEffect(() => {
    const offNavigate = onNavigate(() => {
      setRoute(routeOf(window.location));
      window.scrollTo(0, 0);
    });
    const offLanguage = onLanguageChange(() => rerender((n) => n + 1));
    return () => {
      offNavigate();
      offLanguage();
    };
  }, []);
  const switchLanguage = () => {
    const next: Language = language() === 'de' ? 'en' : 'de';
    sessionStorage.setItem(LANGUAGE_KEY, next);
    setLanguage(next);
  };
  return html`
    <a class="skip-link kern-link" href="#main">${t('skipToContent')}</a>
    <header class="app-header">
      <div class="kern-container app-header__inner">
        <div>
          <p class="kern-title app-title"><a class="kern-link portal-home" href=${href('')}>${t('appTitle')}</a></p>
          <p class="kern-body kern-body--small">${t('appSubtitle')}</p>
        </div>
        <div class="app-header__actions">
          <button type="button" class="kern-btn kern-btn--tertiary" lang=${language() === 'de' ? 'en' : 'de'} onClick=${switchLanguage}>
            <span class="kern-label">${t('switchLanguage')}</span>
          </button>
        </div>
      </div>
    </header>
    <main id="main" tabindex="-1" class="kern-container">
      <${Page} route=${route} config=${config} forms=${forms} />
    </main>
    <footer class="portal-footer">
      <nav class="kern-container" aria-label=${t('appTitle')}>
        <ul class="portal-footer__links">
          <li><a class="kern-link" href=${href('')}>${t('footerForms')}</a></li>
          <li><a class="kern-link" href=${href('me')}>${t('footerMine')}</a></li>
          <li><a class="kern-link" href=${href('barrierefreiheit')}>${t('footerAccessibility')}</a></li>
          <li><a class="kern-link" href=${href('leichte-sprache')}>${t('footerEasy')}</a></li>
        </ul>
      </nav>
    </footer>`;
}

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  // A BundID sign-in comes back with the citizen token in the fragment: into the tab, out of the address bar.
  // (The status page's fragment holds its status token, which stays where it is.)
  if (routeOf(window.location).view !== 'status') takeTokenFromFragment();
  const asked = new URLSearchParams(window.location.search).get('lang') ?? sessionStorage.getItem(LANGUAGE_KEY);
  setLanguage(asked === 'en' ? 'en' : 'de');
  try {
    const config = await loadConfig();
    configureApi(config.apiUrl);
    const { items: forms } = await getJson<{ items: FormSummary[] }>('/forms');
    followLinksInApp();
    root.textContent = '';
    render(html`<${App} config=${config} forms=${forms} />`, root);
  } catch (error) {
    root.textContent = `${t('error')}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

void start();
