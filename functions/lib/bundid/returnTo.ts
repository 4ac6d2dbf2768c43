import type { SignInSettings } from './settings.ts';

/**
 * Where a sign-in may send the citizen back: a path under the portal, never another origin (no
 * open redirect). Absolute URLs, scheme-relative `//host`, backslashes (browsers read `/\host` as
 * `//host`), control characters and dot segments are refused; the resolved URL must still be on
 * the portal's origin and under its path. Returns the absolute URL, or undefined.
 */
export function portalReturnUrl(settings: Pick<SignInSettings, 'portalUrl'>, returnTo: string | undefined): URL | undefined {
  if (returnTo === undefined || returnTo.length === 0 || returnTo.length > 512) return undefined;
  const portal = new URL(settings.portalUrl);
  if (!returnTo.startsWith(portal.pathname)) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f#]/.test(returnTo) || returnTo.startsWith('//')) return undefined;
  if (returnTo.split(/[/?]/).some((segment) => segment === '..' || segment === '.' || /^%2e/i.test(segment))) return undefined;
  let url: URL;
  try {
    url = new URL(returnTo, portal.origin);
  } catch {
    return undefined;
  }
  return url.origin === portal.origin && url.pathname.startsWith(portal.pathname) ? url : undefined;
}
