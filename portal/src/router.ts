import { basePath } from './config.ts';

/**
 * The portal's pages by path below its base (`/portal/` locally, `/` in AWS): the forms, a form's
 * steps (`forms/{formId}?page=2`, `?page=check`), the status page (`status?reference=…#token=…`),
 * the accessibility statement, the page in Leichte Sprache and the citizen's own applications (`me`). Links are real links; the app
 * follows them without reloading.
 */
export type Route =
  | { view: 'forms' }
  | { view: 'form'; formId: string; page: string | null }
  | { view: 'status'; reference: string | null }
  | { view: 'accessibility' }
  | { view: 'easy-language' }
  | { view: 'me' }
  | { view: 'missing' };

export function routeOf(location: Location): Route {
  const base = basePath();
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname.replace(/^\//, '');
  const query = new URLSearchParams(location.search);
  if (path === '' || path === 'index.html') return { view: 'forms' };
  const form = /^forms\/([a-z][a-z0-9-]{1,62})$/.exec(path);
  if (form) return { view: 'form', formId: form[1]!, page: query.get('page') };
  if (path === 'status') return { view: 'status', reference: query.get('reference') };
  if (path === 'barrierefreiheit') return { view: 'accessibility' };
  if (path === 'leichte-sprache') return { view: 'easy-language' };
  if (path === 'me') return { view: 'me' };
  return { view: 'missing' };
}

/** The URL of a portal page, from its path below the base (`forms/x?page=2`). */
export const href = (path: string): string => `${basePath()}${path}`;

const listeners = new Set<() => void>();
export const onNavigate = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href(path));
  else history.pushState(null, '', href(path));
  for (const listener of listeners) listener();
}

/** Same-origin links below the base are followed in the app; everything else as the browser does. */
export function followLinksInApp(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin || !link.pathname.startsWith(basePath())) return;
    if (link.pathname === location.pathname && link.search === location.search && link.hash) return; // an anchor on this page
    event.preventDefault();
    history.pushState(null, '', link.pathname + link.search + link.hash);
    for (const listener of listeners) listener();
  });
  window.addEventListener('popstate', () => {
    for (const listener of listeners) listener();
  });
}
