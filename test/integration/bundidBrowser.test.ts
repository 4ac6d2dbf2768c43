// Citizen sign-in with BundID in a real browser (Chromium, playwright-core): the login page posts
// the AuthnRequest to the local test IdP, the citizen picks a test identity at each level, the IdP
// posts the signed response to the ACS, which redirects to the portal path with the token in the
// fragment; a `low` identity for a `substantial` form ends on a page that says why. The portal's
// own views (prefill, "my applications") come with the portal; here the final URL is the evidence.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { TRUST_LEVELS, satisfies, type TrustLevel } from '../../functions/lib/bundid/levels.ts';
import { TEST_IDENTITIES } from '../../infra/local/bundidIdp.ts';
import { call, clerkToken, stackInfo } from '../support/api.ts';
import { launchChromium, seriousViolations, type Chromium } from '../support/browser.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { plantMarkers } from '../support/markers.ts';

let chromium: Chromium;

beforeAll(async () => {
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
});

const signedForm = () => {
  const form = formCatalogue().list().find((candidate) => candidate.authentication);
  if (!form) throw new Error('no shipped form needs sign-in');
  return form;
};

/**
 * From the login route through the IdP's page to wherever the ACS sends the browser; answers the
 * URL the ACS redirected to (its `Location`: the portal takes the token out of the address bar at
 * once, so the page's own URL no longer shows it), or undefined where the ACS answered a page.
 */
async function signInThroughBrowser(page: Page, requested: TrustLevel, chosen: TrustLevel, returnTo: string): Promise<URL | undefined> {
  await page.goto(`${stackInfo().apiUrl}/auth/bundid/login?${new URLSearchParams({ level: requested, returnTo })}`);
  // The login page submits itself to the IdP (a script allowed by its hash).
  await page.waitForURL((url) => url.href.startsWith(`${stackInfo().bundid.idpUrl}/sso`));
  await expect(page.locator('[data-requested-level]').textContent()).resolves.toBe(requested);
  expect(await seriousViolations(page)).toEqual([]);
  await page.locator(`button[data-level="${chosen}"]`).click();
  await page.waitForURL((url) => url.href.startsWith(`${stackInfo().bundid.idpUrl}/sso/answer`));
  const acs = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/auth/bundid/acs'));
  await page.getByRole('button', { name: 'Zurück zum Dienst' }).click();
  const answer = await acs;
  await page.waitForURL((url) => !url.href.startsWith(stackInfo().bundid.idpUrl));
  const location = answer.headers().location;
  return location ? new URL(location, stackInfo().apiUrl) : undefined;
}

describe('sign-in with BundID in the browser', () => {
  it.each(TRUST_LEVELS.map((level) => [level] as const))('signs in at %s: back on the portal path with a citizen token in the fragment', async (level) => {
    const page = await chromium.context.newPage();
    try {
      const returnTo = `/portal/forms/${signedForm().id}`;
      const url = (await signInThroughBrowser(page, level, level, returnTo))!;
      expect(`${url.origin}${url.pathname}`).toBe(`${stackInfo().apiUrl}${returnTo}`);
      // The browser landed on the portal path, the token already taken out of its address bar.
      expect(new URL(page.url()).pathname).toBe(returnTo);
      const token = new URLSearchParams(url.hash.slice(1)).get('token');
      expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      plantMarkers([token!]);
      const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString('utf8')) as { level: string; attributes: Record<string, string> };
      const identity = TEST_IDENTITIES.find((candidate) => candidate.level === level)!;
      expect(claims).toMatchObject({ level, attributes: identity.attributes });
      // The sign-in cookie was for this one sign-in: gone after the ACS.
      const cookies = await chromium.context.cookies(stackInfo().apiUrl);
      expect(cookies.filter((cookie) => cookie.name.startsWith('__Host-bundid'))).toEqual([]);

      // The token at work: submit if the level suffices, then find the case under GET /me/cases.
      const form = signedForm();
      const submitted = await call('POST', `/forms/${form.id}/submissions`, {
        body: { data: sampleOf(form.id) },
        headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': `browser-${randomUUID()}` },
      });
      if (!satisfies(level, form.authentication!.level)) {
        expect([submitted.status, submitted.body.type]).toEqual([403, 'urn:problem:insufficient-trust-level']);
        return;
      }
      expect(submitted.status).toBe(201);
      const mine = await call('GET', '/me/cases', { headers: { Authorization: `Bearer ${token}` } });
      expect(mine.body.items[0]).toMatchObject({ reference: submitted.body.reference, formId: form.id, status: 'received' });
      const clerk = await clerkToken('bundid-browser-clerk', [form.office]);
      const read = await call('GET', `/cases/${submitted.body.caseId}`, { headers: { Authorization: `Bearer ${clerk}` } });
      expect(read.body.authentication).toMatchObject({ provider: 'bundid', level, attributes: identity.attributes });
    } finally {
      await page.close();
    }
  });

  it('shows the clerk in the console who signed in: "identifiziert über BundID, Vertrauensniveau substantiell", and in English', async () => {
    const form = signedForm();
    const page = await chromium.context.newPage();
    try {
      const redirect = (await signInThroughBrowser(page, 'substantial', 'substantial', `/portal/forms/${form.id}`))!;
      const token = new URLSearchParams(redirect.hash.slice(1)).get('token')!;
      plantMarkers([token]);
      const submitted = await call('POST', `/forms/${form.id}/submissions`, {
        body: { data: sampleOf(form.id) },
        headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': `browser-console-${randomUUID()}` },
      });
      expect(submitted.status).toBe(201);
      await page.goto(`${stackInfo().apiUrl}/console/`);
      await page.getByLabel('Kennung').fill('bundid-console-clerk');
      await page.getByLabel(form.office).check();
      await page.getByRole('button', { name: 'Anmelden' }).click();
      await page.getByText('Angemeldet als').waitFor();
      await page.goto(`${stackInfo().apiUrl}/console/#/cases/${submitted.body.caseId}`);
      await page.getByRole('heading', { name: new RegExp(submitted.body.reference) }).waitFor();
      const identity = TEST_IDENTITIES.find((candidate) => candidate.level === 'substantial')!;
      await page.getByText('identifiziert über BundID, Vertrauensniveau substantiell').waitFor();
      await page.getByText(`${identity.attributes.givenName} ${identity.attributes.surname}`).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('identified via BundID, level substantial').waitFor();
    } finally {
      await page.close();
    }
  });

  it('ends a low identity for a substantial form on a page that says why, with no token', async () => {
    const page = await chromium.context.newPage();
    try {
      await signInThroughBrowser(page, 'substantial', 'low', `/portal/forms/${signedForm().id}`);
      expect(page.url()).toBe(`${stackInfo().apiUrl}/auth/bundid/acs`);
      await expect(page.locator('[data-reason]').getAttribute('data-reason')).resolves.toBe('insufficient-level');
      await expect(page.locator('main').textContent()).resolves.toContain('Vertrauensniveau');
      // No axe run here: the page is sandboxed without scripts (the API's CSP), so no script, axe included, runs in it.
    } finally {
      await page.close();
    }
  });
});
