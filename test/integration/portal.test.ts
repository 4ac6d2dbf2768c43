// The citizens' portal in a real headless Chromium against the suite's local stack, at
// <apiUrl>/portal/: every shipped form (the catalogue's latest versions) filled from its schema's
// first example by labels, a file uploaded into every file field, checked, sent, confirmed; the
// mail's status link followed; a clerk's PATCH seen on the status page. A form that needs sign-in
// (the catalogue says which) is signed into first, at its level, through the local test IdP. The case the clerk reads
// holds exactly the example (and the files). axe-core on every page; no request leaves the machine.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { call, clerkToken, stackInfo } from '../support/api.ts';
import { launchChromium, seriousViolations, type AxeViolation, type Chromium } from '../support/browser.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { newMarker, plantMarkers } from '../support/markers.ts';
import { until } from '../support/waiting.ts';
import { fillForm } from '../support/portalFiller.ts';
import { signInFromPortal } from '../support/portalSignIn.ts';
import { EICAR } from '../../infra/local/scanner.ts';
import { pageProperties, pagesOf } from '../../portal/src/form/model.ts';
import { fieldId } from '../../portal/src/form/pointer.ts';
import { fileOf } from '../support/uploads.ts';

let chromium: Chromium;
let page: Page;
const foreignRequests: string[] = [];
const cspViolations: string[] = [];
const pageErrors: string[] = [];
const violations: { url: string; violations: AxeViolation[] }[] = [];

const portal = (path = ''): string => `${stackInfo().apiUrl}/portal/${path}`;

/** axe-core on the page as it is; violations are collected and asserted per test. */
async function audit(current: Page): Promise<void> {
  const found = await seriousViolations(current);
  if (found.length > 0) violations.push({ url: current.url(), violations: found });
}

function setAt(data: Record<string, unknown>, pointer: string, value: string): void {
  const tokens = pointer.split('/').slice(1);
  let node = data;
  for (const token of tokens.slice(0, -1)) node = node[token] as Record<string, unknown>;
  node[tokens.at(-1)!] = value;
}

/** Every labelled choice the schema declares (`oneOf` of `const` + `title`), value → label. */
function labelledChoices(node: unknown, found = new Map<unknown, string>()): Map<unknown, string> {
  if (Array.isArray(node)) node.forEach((item) => labelledChoices(item, found));
  else if (typeof node === 'object' && node !== null) {
    const options = (node as { oneOf?: unknown }).oneOf;
    if (Array.isArray(options) && options.every((option) => typeof option === 'object' && option !== null && 'const' in option && 'title' in option)) {
      for (const option of options as { const: unknown; title: string }[]) found.set(option.const, option.title);
    }
    Object.values(node).forEach((value) => labelledChoices(value, found));
  }
  return found;
}

/** Every string, number and boolean the data holds. */
const leavesOf = (value: unknown): unknown[] => (typeof value === 'object' && value !== null ? Object.values(value).flatMap(leavesOf) : [value]);

/** The data without what the example cannot hold: the attachment ids the portal added. */
function withoutAttachments(value: unknown, ids: Set<string>): unknown {
  if (Array.isArray(value)) {
    const kept = value.filter((item) => !(typeof item === 'string' && ids.has(item))).map((item) => withoutAttachments(item, ids));
    return kept.length === 0 && value.length > 0 ? undefined : kept;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => !(typeof item === 'string' && ids.has(item)))
        .map(([key, item]) => [key, withoutAttachments(item, ids)])
        .filter(([, item]) => item !== undefined),
    );
  }
  return value;
}

beforeAll(async () => {
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  const own = new URL(stackInfo().apiUrl).hostname;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.hostname !== own && url.protocol !== 'data:') foreignRequests.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await chromium?.close();
});

describe('the citizens’ portal', () => {
  it('lists every form of the catalogue, and its pages pass axe', async () => {
    await page.goto(portal());
    await page.getByRole('heading', { name: 'Anträge online stellen' }).waitFor();
    for (const form of formCatalogue().list()) await page.getByRole('link', { name: form.title.de, exact: true }).waitFor();
    await audit(page);
    for (const [link, heading] of [
      ['Erklärung zur Barrierefreiheit', 'Erklärung zur Barrierefreiheit'],
      ['Leichte Sprache', 'Leichte Sprache'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await audit(page);
    }
    expect(violations).toEqual([]);
  });

  for (const form of formCatalogue().list()) {
    it(`${form.id}: filled from its first example, sent, confirmed; the mail's status link shows a clerk's change`, async () => {
      const data = sampleOf(form.id);
      const address = `${newMarker('Pm').toLowerCase()}@example.de`;
      if (form.confirmation) setAt(data, form.confirmation.emailPointer, address);

      await page.goto(portal());
      await page.evaluate(() => sessionStorage.clear());
      await page.getByRole('link', { name: form.title.de, exact: true }).click();
      await page.locator('main h1').waitFor();
      if (form.authentication) {
        // A form that needs sign-in starts with it: BundID at the form's level, back to the form.
        await page.getByRole('heading', { level: 1, name: 'Anmelden mit der BundID' }).waitFor();
        await audit(page);
        await signInFromPortal(page, form.authentication.level);
        await page.locator('.portal-signed-in').waitFor();
        plantMarkers([(await page.evaluate(() => sessionStorage.getItem('egov-portal.citizen-token')))!]);
      }
      const { files } = await fillForm(page, form.schema, data, { onPage: audit });
      await audit(page);
      // A labelled choice reads as its label, never as its internal value.
      const choices = labelledChoices(form.schema);
      for (const value of leavesOf(data).filter((leaf) => choices.has(leaf) && choices.get(leaf) !== String(leaf))) {
        await page.locator('main dd', { hasText: choices.get(value)! }).first().waitFor();
        await expect(page.locator('main dd').getByText(String(value), { exact: true }).count()).resolves.toBe(0);
      }
      await page.getByRole('button', { name: 'Antrag absenden' }).click();
      await page.getByRole('heading', { level: 1, name: 'Antrag eingegangen' }).waitFor();
      await audit(page);
      const reference = (await page.locator('.portal-reference').textContent())!;
      expect(reference).toMatch(/^[A-HJKMNP-Z2-9-]{1,24}$/);

      // What the office receives is exactly what the example says, and the files.
      const token = await clerkToken('paula-portal', [form.office]);
      const list = await call('GET', `/cases?office=${form.office}&formId=${form.id}&limit=100`, { headers: { authorization: `Bearer ${token}` } });
      const summary = (list.body.items as { caseId: string; reference: string }[]).find((item) => item.reference === reference)!;
      const stored = await call('GET', `/cases/${summary.caseId}`, { headers: { authorization: `Bearer ${token}` } });
      const attachmentIds = new Set<string>((stored.body.attachments as { attachmentId: string }[]).map((attachment) => attachment.attachmentId));
      expect(attachmentIds.size).toBe(files);
      expect(withoutAttachments(stored.body.data, attachmentIds)).toEqual(data);

      // The mail's link (or, for a form without a mail, the confirmation page's).
      let link: string;
      if (form.confirmation) {
        link = await until('the confirmation mail', async () => {
          const store = (await (await fetch(stackInfo().mailUrl)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] };
          const mail = store.emails.find((candidate) => candidate.destination.to.includes(address));
          return mail?.body.text?.match(/https?:\/\/\S+\/portal\/status\?reference=\S+#token=\S+/)?.[0];
        });
      } else {
        link = (await page.getByRole('link', { name: 'Bearbeitungsstand ansehen' }).getAttribute('href'))!;
      }
      expect(link.startsWith(portal('status?reference='))).toBe(true);
      await page.goto(link);
      await expect(page.locator('.portal-status').textContent()).resolves.toBe('Eingegangen');
      await audit(page);

      const moved = await call('PATCH', `/cases/${summary.caseId}`, {
        body: { status: 'in_review' },
        headers: { authorization: `Bearer ${token}`, 'if-match': stored.headers.get('etag')! },
      });
      expect(moved.status).toBe(200);
      await page.getByRole('button', { name: 'Aktualisieren' }).click();
      await page.locator('.portal-status', { hasText: 'In Bearbeitung' }).waitFor();
      await expect(page.locator('.portal-timeline li').count()).resolves.toBe(2);
      expect(violations).toEqual([]);
      // Sent: nothing of it is left in the tab.
      expect(await page.evaluate((id) => sessionStorage.getItem(`egov-portal.draft.${id}`), form.id)).toBeNull();
    });
  }

  it('an empty page shows the error summary; its link focuses the field', async () => {
    const form = formCatalogue().list()[0]!;
    await page.goto(portal());
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(portal(`forms/${form.id}`));
    await page.locator('main h1').waitFor();
    await page.getByRole('button', { name: 'Weiter', exact: true }).click();
    const summary = page.locator('.portal-error-summary');
    await summary.waitFor();
    expect(await page.evaluate("document.activeElement?.classList.contains('portal-error-summary')")).toBe(true);
    const first = summary.getByRole('link').first();
    const target = (await first.getAttribute('href'))!.slice(1);
    await first.click();
    expect(await page.evaluate('document.activeElement?.id')).toBe(target);
    await expect(page.locator(`[id="${target}"]`).getAttribute('aria-invalid')).resolves.toBe('true');
    await audit(page);
    expect(violations).toEqual([]);
  });

  it('an answer only the server refuses comes back at its field, by pointer, in the summary', async () => {
    const form = formCatalogue().list().find((candidate) => candidate.confirmation)!;
    const data = sampleOf(form.id);
    // Passes the page's check (something@something.tld), fails the schema's `format: email`.
    setAt(data, form.confirmation!.emailPointer, 'jörg@beispiel.de');
    await page.goto(portal());
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(portal(`forms/${form.id}`));
    await page.locator('main h1').waitFor();
    await fillForm(page, form.schema, data);
    await page.getByRole('button', { name: 'Antrag absenden' }).click();
    const summary = page.locator('.portal-error-summary');
    await summary.waitFor();
    const link = summary.getByRole('link', { name: /.+/ }).first();
    await expect(link.getAttribute('href')).resolves.toBe(`#${fieldId(form.confirmation!.emailPointer)}`);
    await link.click();
    expect(await page.evaluate('document.activeElement?.id')).toBe(fieldId(form.confirmation!.emailPointer));
    await audit(page);
    expect(violations).toEqual([]);
  });

  it('retries a submission that met a 503 with the same Idempotency-Key, and one case results', async () => {
    const form = formCatalogue().list()[0]!;
    const keys: string[] = [];
    await page.route('**/forms/*/submissions', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length === 1) {
        await route.fulfill({ status: 503, contentType: 'application/problem+json', headers: { 'Retry-After': '1' }, body: JSON.stringify({ type: 'urn:problem:unavailable', title: 'Unavailable', status: 503 }) });
      } else await route.continue();
    });
    try {
      await page.goto(portal());
      await page.evaluate(() => sessionStorage.clear());
      await page.goto(portal(`forms/${form.id}`));
      await page.locator('main h1').waitFor();
      await fillForm(page, form.schema, sampleOf(form.id));
      await page.getByRole('button', { name: 'Antrag absenden' }).click();
      await page.getByRole('heading', { level: 1, name: 'Antrag eingegangen' }).waitFor();
    } finally {
      await page.unroute('**/forms/*/submissions');
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('a file the scanner refuses shows the reason at its field, in plain words', async () => {
    // The first form with a top-level file field, on the page the portal shows it (as it counts pages).
    const form = formCatalogue()
      .list()
      .find((candidate) => Object.values(candidate.schema.properties as Record<string, Record<string, unknown>>).some((property) => property['x-attachment']))!;
    const name = Object.entries(form.schema.properties as Record<string, Record<string, unknown>>).find(([, property]) => property['x-attachment'])![0];
    const shown = pagesOf(form.schema).filter((candidate) => pageProperties(form.schema, candidate, {}).length > 0);
    const pageNumber = shown.findIndex((candidate) => candidate.names.includes(name)) + 1;
    await page.goto(portal());
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(portal(`forms/${form.id}?page=${pageNumber}`));
    const input = page.locator(`[id="${fieldId(`/${name}`)}"]`);
    const accept = (await input.getAttribute('accept')) ?? '';
    const type = accept.includes('application/pdf') ? 'application/pdf' : accept.split(',')[0]!;
    await input.setInputFiles({ name: 'virus.pdf', mimeType: type, buffer: type === 'application/pdf' ? fileOf.pdf(EICAR) : fileOf.png(EICAR) });
    await page.locator('.portal-file [role=status]', { hasText: 'Abgelehnt: Die Datei enthält Schadsoftware.' }).waitFor({ timeout: 90_000 });
    await audit(page);
    // A rejected file holds the page: the summary names it.
    await page.getByRole('button', { name: 'Weiter', exact: true }).click();
    await page.locator('.portal-error-summary', { hasText: 'virus.pdf' }).waitFor();
    // Removed, and a file whose bytes contradict its type is refused with that reason.
    await page.getByRole('button', { name: /^Datei entfernen/ }).click();
    await input.setInputFiles({ name: 'bild.png', mimeType: type === 'application/pdf' ? 'application/pdf' : 'image/png', buffer: type === 'application/pdf' ? fileOf.png() : fileOf.pdf() });
    await page.locator('.portal-file [role=status]', { hasText: 'Abgelehnt: Der Inhalt passt nicht zur Dateiart.' }).waitFor({ timeout: 90_000 });
    expect(violations).toEqual([]);
  });

  it('switches to English', async () => {
    await page.goto(portal());
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Apply online' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.getByRole('link', { name: 'Accessibility statement' }).click();
    await page.getByRole('heading', { level: 1, name: 'Accessibility statement' }).waitFor();
    await audit(page);
    await page.getByRole('button', { name: 'Deutsch' }).click();
    expect(violations).toEqual([]);
  });

  it('sent no request to another origin, kept nothing in local storage, and the CSP refused nothing', async () => {
    expect(foreignRequests).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.context().cookies()).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
