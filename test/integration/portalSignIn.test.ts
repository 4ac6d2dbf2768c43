// BundID sign-in through the citizens' portal in a real browser (Chromium) against the local stack
// and its test IdP: a form that needs sign-in starts with the sign-in page; back from BundID the
// token leaves the address bar for the tab's sessionStorage, the page names who signed in, the
// fields the form's `prefill` names hold the released attributes; the rest is filled from the
// form's first example, sent with the token, confirmed, and listed under "Meine Anträge". A `low`
// identity for a `substantial` form ends on a page that says the level is too low. axe-core on the
// sign-in page and on "my applications".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { TEST_IDENTITIES } from '../../infra/local/bundidIdp.ts';
import { pageProperties, pagesOf } from '../../portal/src/form/model.ts';
import { fieldId } from '../../portal/src/form/pointer.ts';
import { call, clerkToken, stackInfo } from '../support/api.ts';
import { launchChromium, seriousViolations, type Chromium } from '../support/browser.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { newMarker, plantMarkers } from '../support/markers.ts';
import { fillForm } from '../support/portalFiller.ts';
import { signIn } from '../support/bundid.ts';
import { signInFromPortal } from '../support/portalSignIn.ts';

let chromium: Chromium;

beforeAll(async () => {
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
});

const portal = (path = ''): string => `${stackInfo().apiUrl}/portal/${path}`;
const TOKEN_KEY = 'egov-portal.citizen-token';

/** The first form of the catalogue that needs sign-in at `substantial` (derived, never named). */
const signedForm = () => {
  const form = formCatalogue().list().find((candidate) => candidate.authentication?.level === 'substantial');
  if (!form) throw new Error('no shipped form needs a substantial sign-in');
  return form;
};

const setAt = (data: Record<string, unknown>, pointer: string, value: string): void => {
  const tokens = pointer.split('/').slice(1);
  let node = data;
  for (const token of tokens.slice(0, -1)) node = node[token] as Record<string, unknown>;
  node[tokens.at(-1)!] = value;
};

async function newTab(): Promise<Page> {
  const page = await chromium.context.newPage();
  await page.goto(portal());
  await page.evaluate(() => sessionStorage.clear());
  return page;
}

describe('BundID sign-in in the citizens’ portal', () => {
  it('signs in at substantial for a form that needs it: prefilled, filled, sent with the token, confirmed, listed under "Meine Anträge"', async () => {
    const form = signedForm();
    const identity = TEST_IDENTITIES.find((candidate) => candidate.level === 'substantial')!;
    const page = await newTab();
    try {
      await page.goto(portal(`forms/${form.id}`));
      await page.getByRole('heading', { level: 1, name: 'Anmelden mit der BundID' }).waitFor();
      await expect(page.locator('.portal-sign-in-level').getAttribute('data-level')).resolves.toBe('substantial');
      await expect(page.locator('.portal-sign-in-level').textContent()).resolves.toContain('„substantiell“');
      const login = new URL((await page.locator('a.portal-sign-in').getAttribute('href'))!);
      expect(`${login.origin}${login.pathname}`).toBe(`${stackInfo().apiUrl}/auth/bundid/login`);
      expect(Object.fromEntries(login.searchParams)).toEqual({ level: 'substantial', returnTo: `/portal/forms/${form.id}` });
      expect(await seriousViolations(page)).toEqual([]);

      await signInFromPortal(page, 'substantial');
      const name = `${identity.attributes.givenName} ${identity.attributes.surname}`;
      await page.locator('.portal-signed-in', { hasText: `Angemeldet als ${name}, Vertrauensniveau substantiell` }).waitFor();
      // The token left the address bar and lives in this tab only.
      expect(new URL(page.url()).hash).toBe('');
      expect(page.url()).toBe(portal(`forms/${form.id}`));
      const token = (await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY))!;
      expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      plantMarkers([token]);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);

      // Every field the form's prefill names holds the released attribute, in the draft and on its page.
      const prefill = Object.entries(form.authentication!.prefill ?? {});
      expect(prefill.length).toBeGreaterThan(0);
      const draft = JSON.parse((await page.evaluate((id) => sessionStorage.getItem(`egov-portal.draft.${id}`), form.id))!) as { answers: Record<string, unknown> };
      const at = (data: unknown, pointer: string): unknown => pointer.split('/').slice(1).reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], data);
      for (const [pointer, attribute] of prefill) expect([pointer, at(draft.answers, pointer)]).toEqual([pointer, identity.attributes[attribute as keyof typeof identity.attributes]]);
      // On the pages that show them, the prefilled text inputs hold the attributes.
      const shown = pagesOf(form.schema).filter((candidate) => pageProperties(form.schema, candidate, draft.answers).length > 0);
      let inputsSeen = 0;
      for (const [pointer, attribute] of prefill) {
        const pageNumber = shown.findIndex((candidate) => candidate.names.includes(pointer.split('/')[1]!)) + 1;
        await page.goto(portal(`forms/${form.id}?page=${pageNumber}`));
        await page.locator('.portal-signed-in').waitFor();
        const input = page.locator(`input[id="${fieldId(pointer)}"]`);
        if ((await input.count()) === 0) continue;
        const expected = identity.attributes[attribute as keyof typeof identity.attributes]!;
        const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expected);
        // A date is asked as day, month and year: its first input (the field's id) is the day.
        if (date) await expect(input.inputValue()).resolves.toMatch(new RegExp(`^0?${Number(date[3])}$`));
        else await expect(input.inputValue()).resolves.toBe(expected);
        inputsSeen++;
      }
      expect(inputsSeen).toBeGreaterThan(0);

      // The rest from the first example (the filler types over what was prefilled where the example differs).
      const data = sampleOf(form.id);
      const address = `${newMarker('Ps').toLowerCase()}@example.de`;
      if (form.confirmation) setAt(data, form.confirmation.emailPointer, address);
      await page.goto(portal(`forms/${form.id}`));
      await page.locator('.portal-signed-in').waitFor();
      const submissions: (string | undefined)[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && /\/forms\/[^/]+\/(submissions|attachments)$/.test(new URL(request.url()).pathname)) submissions.push(request.headers()['authorization']);
      });
      await fillForm(page, form.schema, data);
      await page.locator('.portal-signed-in').waitFor();
      await page.getByRole('button', { name: 'Antrag absenden' }).click();
      await page.getByRole('heading', { level: 1, name: 'Antrag eingegangen' }).waitFor();
      const reference = (await page.locator('.portal-reference').textContent())!;
      // The submission and every attachment ticket carried the citizen token.
      expect(submissions.length).toBeGreaterThan(0);
      expect(submissions.every((header) => header === `Bearer ${token}`)).toBe(true);

      // The office holds the example as sent, and who signed in.
      const clerk = await clerkToken('portal-sign-in-clerk', [form.office]);
      const list = await call('GET', `/cases?office=${form.office}&formId=${form.id}&limit=100`, { headers: { authorization: `Bearer ${clerk}` } });
      const summary = (list.body.items as { caseId: string; reference: string }[]).find((item) => item.reference === reference)!;
      const stored = await call('GET', `/cases/${summary.caseId}`, { headers: { authorization: `Bearer ${clerk}` } });
      expect(stored.body.authentication).toMatchObject({ provider: 'bundid', level: 'substantial', attributes: identity.attributes });
      expect((stored.body.data as { applicant: { familyName: string } }).applicant.familyName).toBe((data as { applicant: { familyName: string } }).applicant.familyName);

      // "Meine Anträge" lists it, newest first, status and dates in plain German.
      await page.goto(portal('me'));
      await page.getByRole('heading', { level: 1, name: 'Meine Anträge' }).waitFor();
      const first = page.locator('.portal-my-cases tbody tr').first();
      await expect(first.locator('.portal-my-reference').textContent()).resolves.toBe(reference);
      await expect(first.locator('td').nth(1).textContent()).resolves.toBe(form.title.de);
      await expect(first.locator('td').nth(2).textContent()).resolves.toBe('Eingegangen');
      await expect(first.locator('td').nth(3).textContent()).resolves.toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('"Meine Anträge" without a sign-in offers one at any level (low), and passes axe', async () => {
    const page = await newTab();
    try {
      await page.goto(portal('me'));
      await page.getByRole('heading', { level: 1, name: 'Anmelden mit der BundID' }).waitFor();
      const login = new URL((await page.locator('a.portal-sign-in').getAttribute('href'))!);
      expect(Object.fromEntries(login.searchParams)).toEqual({ level: 'low', returnTo: '/portal/me' });
      expect(await seriousViolations(page)).toEqual([]);
      await signInFromPortal(page, 'low');
      await page.getByRole('heading', { level: 1, name: 'Meine Anträge' }).waitFor();
      expect(new URL(page.url()).hash).toBe('');
      plantMarkers([(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY))!]);
      await page.locator('.portal-signed-in', { hasText: 'Vertrauensniveau niedrig' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a low identity for the substantial form: the ACS says the level is too low and gives no token; a low sign-in in the tab cannot send the form', async () => {
    const form = signedForm();
    const page = await newTab();
    try {
      await page.goto(portal(`forms/${form.id}`));
      await signInFromPortal(page, 'low');
      expect(page.url()).toBe(`${stackInfo().apiUrl}/auth/bundid/acs`);
      await expect(page.locator('[data-reason]').getAttribute('data-reason')).resolves.toBe('insufficient-level');
      await expect(page.locator('main').textContent()).resolves.toContain('Vertrauensniveau');

      // Signed in at low (through "Meine Anträge"), the form still asks for a higher level and offers no sending.
      await page.goto(portal('me'));
      await signInFromPortal(page, 'low');
      await page.getByRole('heading', { level: 1, name: 'Meine Anträge' }).waitFor();
      plantMarkers([(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY))!]);
      for (const path of [`forms/${form.id}`, `forms/${form.id}?page=check`]) {
        await page.goto(portal(path));
        await page.locator('.portal-sign-in-problem', { hasText: 'Vertrauensniveau „niedrig“' }).waitFor();
        await expect(page.locator('.portal-sign-in-problem').textContent()).resolves.toContain('„substantiell“');
        await expect(page.getByRole('button', { name: 'Antrag absenden' }).count()).resolves.toBe(0);
        await expect(page.locator('form.portal-form').count()).resolves.toBe(0);
      }
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it.each([
    [401, 'urn:problem:unauthorized', 'Ihre Anmeldung wurde nicht angenommen'],
    [403, 'urn:problem:insufficient-trust-level', 'Dieser Antrag verlangt „substantiell“'],
  ] as const)('a %i (%s) on sending: the sign-in page says why, and the answers stay for after signing in again', async (status, type, says) => {
    const form = signedForm();
    const page = await newTab();
    try {
      await page.goto(portal(`forms/${form.id}`));
      await signInFromPortal(page, 'substantial');
      await page.locator('.portal-signed-in').waitFor();
      plantMarkers([(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY))!]);
      const draft = { formId: form.id, formVersion: form.version, answers: sampleOf(form.id), files: {} };
      await page.evaluate(([key, stored]) => sessionStorage.setItem(key!, stored!), [`egov-portal.draft.${form.id}`, JSON.stringify(draft)]);
      await page.route('**/forms/*/submissions', (route) =>
        route.fulfill({ status, contentType: 'application/problem+json', body: JSON.stringify({ type, title: 'refused', status }) }),
      );
      await page.goto(portal(`forms/${form.id}?page=check`));
      await page.getByRole('button', { name: 'Antrag absenden' }).click();
      await page.locator('.portal-sign-in-problem', { hasText: says }).waitFor();
      await expect(page.getByRole('button', { name: 'Antrag absenden' }).count()).resolves.toBe(0);
      const login = new URL((await page.locator('a.portal-sign-in').getAttribute('href'))!);
      expect(Object.fromEntries(login.searchParams)).toEqual({ level: 'substantial', returnTo: `/portal/forms/${form.id}?page=check` });
      expect(JSON.parse((await page.evaluate((key) => sessionStorage.getItem(key), `egov-portal.draft.${form.id}`))!)).toMatchObject({ answers: draft.answers });
      // The refused token is gone from the tab.
      expect(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY)).toBeNull();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an expired sign-in says so and offers to sign in again, keeping what was typed', async () => {
    const form = signedForm();
    const page = await newTab();
    try {
      const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      const expired = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ provider: 'bundid', level: 'substantial', attributes: { givenName: 'Erika', surname: 'Gabler' }, exp: Math.floor(Date.now() / 1000) - 60 })}.c2ln`;
      const draft = { formId: form.id, formVersion: form.version, answers: { remarks: 'schon getippt' }, files: {} };
      await page.evaluate(([key, token, draftKey, stored]) => {
        sessionStorage.setItem(key!, token!);
        sessionStorage.setItem(draftKey!, stored!);
      }, [TOKEN_KEY, expired, `egov-portal.draft.${form.id}`, JSON.stringify(draft)]);
      await page.goto(portal(`forms/${form.id}?page=check`));
      await page.locator('.portal-sign-in-problem', { hasText: 'Ihre Anmeldung ist abgelaufen' }).waitFor();
      const login = new URL((await page.locator('a.portal-sign-in').getAttribute('href'))!);
      expect(Object.fromEntries(login.searchParams)).toEqual({ level: 'substantial', returnTo: `/portal/forms/${form.id}?page=check` });
      expect(JSON.parse((await page.evaluate((key) => sessionStorage.getItem(key), `egov-portal.draft.${form.id}`))!)).toMatchObject({ answers: { remarks: 'schon getippt' } });
      // In English too.
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('.portal-sign-in-problem', { hasText: 'Your sign-in has expired' }).waitFor();
    } finally {
      await page.close();
    }
  });

  it("a signed-in citizen opens his case from \"Meine Anträge\": its messages and his reply go with the citizen token, no status token; axe", async () => {
    const form = signedForm();
    const token = await signIn('substantial');
    plantMarkers([token]);
    const submitted = await call('POST', `/forms/${form.id}/submissions`, { body: { data: sampleOf(form.id) }, headers: { authorization: `Bearer ${token}` } });
    expect(submitted.status).toBe(201);
    plantMarkers([submitted.body.statusToken]);
    const clerk = { authorization: `Bearer ${await clerkToken('portal-citizen-token-clerk', [form.office])}` };
    const etag = (await call('GET', `/cases/${submitted.body.caseId}`, { headers: clerk })).headers.get('etag')!;
    const note = `Wir prüfen Ihren Antrag ${newMarker('Ct')}.`;
    expect((await call('POST', `/cases/${submitted.body.caseId}/messages`, { body: { kind: 'information', text: note }, headers: { ...clerk, 'if-match': etag } })).status).toBe(201);

    const page = await newTab();
    try {
      const headers: Record<string, string>[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname.startsWith('/status/')) headers.push(request.headers());
      });
      await page.evaluate(([key, value]) => sessionStorage.setItem(key!, value!), [TOKEN_KEY, token]);
      await page.goto(portal('me'));
      await page.getByRole('link', { name: submitted.body.reference }).click();
      await page.getByRole('heading', { level: 1, name: 'Bearbeitungsstand' }).waitFor();
      await page.locator('.portal-message__text', { hasText: note }).waitFor();
      await page.getByLabel('Ihre Nachricht').fill('Danke für die Nachricht.');
      await page.getByRole('button', { name: 'Antwort senden' }).click();
      await page.locator('.portal-message__text', { hasText: 'Danke für die Nachricht.' }).waitFor();
      expect(headers.length).toBeGreaterThan(0);
      expect(headers.every((sent) => sent['authorization'] === `Bearer ${token}` && sent['status-token'] === undefined)).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
