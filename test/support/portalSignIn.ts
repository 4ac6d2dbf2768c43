import type { Page } from 'playwright-core';
import { stackInfo } from './api.ts';

/**
 * Signs in from the portal's sign-in page as a citizen would: the page's BundID button, the local
 * test IdP's page (the identity of `chosen` level), its answer page's button back to the service;
 * resolves once the browser has left the IdP (on the portal, or on the ACS's page when refused).
 */
export async function signInFromPortal(page: Page, chosen: 'low' | 'substantial' | 'high'): Promise<void> {
  const idp = stackInfo().bundid.idpUrl;
  await page.locator('a.portal-sign-in').click();
  await page.waitForURL((url) => url.href.startsWith(`${idp}/sso`));
  await page.locator(`button[data-level="${chosen}"]`).click();
  await page.waitForURL((url) => url.href.startsWith(`${idp}/sso/answer`));
  await page.getByRole('button', { name: 'Zurück zum Dienst' }).click();
  await page.waitForURL((url) => !url.href.startsWith(idp));
}
