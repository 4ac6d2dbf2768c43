import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { call, clerkToken, stackInfo } from '../support/api.ts';
import { downloadedBytes, launchChromium, seriousViolations, type Chromium } from '../support/browser.ts';
import { parseCsv } from '../support/csv.ts';
import { plantMarkers } from '../support/markers.ts';
import { fishingLicence, submit } from '../support/submissions.ts';

// The clerk console in a real headless Chromium against the suite's local stack: sign in, filter,
// open a case, read its labelled data, add a note and move the status, see the event, export CSV;
// axe-core finds no serious or critical WCAG 2.1 AA violation on any page; the CSP refuses nothing.

let chromium: Chromium;
let page: Page;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
let created: { caseId: string; reference: string; marker: string };

const expectAccessible = async () => expect(await seriousViolations(page)).toEqual([]);

beforeAll(async () => {
  const { data, marker } = fishingLicence();
  const answer = await submit('fischereischein', { data });
  expect(answer.status).toBe(201);
  created = { caseId: answer.body.caseId, reference: answer.body.reference, marker };
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await chromium?.close();
});

describe('the clerk console', () => {
  it('signs a clerk in with the local user pool', async () => {
    await page.goto(`${stackInfo().apiUrl}/console/`);
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    await expectAccessible();
    await page.getByLabel('Kennung').fill('carla-console');
    await page.getByLabel('ordnungsamt').check();
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Vorgänge' }).waitFor();
    await page.getByText('Angemeldet als').waitFor();
    await page.locator('table').waitFor();
    await expectAccessible();
  });

  it('filters the list by form and status and opens the case', async () => {
    await page.getByLabel('Formular', { exact: true }).selectOption('fischereischein');
    await page.getByLabel('Status', { exact: true }).selectOption('received');
    await page.getByRole('button', { name: 'Anwenden' }).click();
    const link = page.getByRole('link', { name: created.reference });
    await link.waitFor();
    await link.click();
    await page.getByRole('heading', { name: `Vorgang ${created.reference}` }).waitFor();
  });

  it('shows the data labelled by the form schema’s titles, grouped', async () => {
    const familyName = page.locator('.kern-description-list-item', { has: page.locator('dt', { hasText: /^Familienname$/ }) }).first();
    await expect(familyName.locator('dd').textContent()).resolves.toBe(created.marker);
    await page.getByRole('heading', { name: 'Antragstellerin / Antragsteller' }).waitFor();
    await page.getByRole('heading', { name: 'Anschrift' }).waitFor();
    await page.locator('.timeline li', { hasText: 'Angesehen' }).first().waitFor();
    await expectAccessible();
  });

  it('adds a note and moves the status with If-Match, and the history shows the event', async () => {
    const note = `Unterlagen geprüft ${created.marker}`;
    plantMarkers([note]);
    await page.getByLabel('Neue Notiz').fill(note);
    await page.getByRole('button', { name: 'Status ändern zu: In Prüfung' }).click();
    await page.getByText('Gespeichert.').waitFor();
    await page.locator('.note-text', { hasText: note }).waitFor();
    await page.locator('.timeline li', { hasText: 'Status geändert' }).waitFor();
    await expect(page.locator('.timeline li', { hasText: 'Status geändert' }).textContent()).resolves.toContain('Eingegangen → In Prüfung');
    // Only the contract's transitions from in_review are offered.
    const offered = await page.getByRole('button', { name: /^Status ändern zu/ }).allTextContents();
    expect(offered.map((text) => text.replace('Status ändern zu: ', '')).sort()).toEqual(['Abgelehnt', 'Bewilligt', 'Rückfrage']);
    const events = await call('GET', `/cases/${created.caseId}/events`, { headers: { authorization: `Bearer ${await clerkToken('carla-console', ['ordnungsamt'])}` } });
    expect(events.body.items).toContainEqual(expect.objectContaining({ type: 'case.status_changed', actor: 'carla-console', from: 'received', to: 'in_review' }));
    await expectAccessible();
  });

  it('says clearly that the case changed meanwhile (412) and keeps the typed note', async () => {
    const other = await clerkToken('dora-console', ['ordnungsamt']);
    const current = await call('GET', `/cases/${created.caseId}`, { headers: { authorization: `Bearer ${other}` } });
    const moved = await call('PATCH', `/cases/${created.caseId}`, {
      body: { status: 'needs_info' },
      headers: { authorization: `Bearer ${other}`, 'if-match': current.headers.get('etag')! },
    });
    expect(moved.status).toBe(200);
    await page.getByLabel('Neue Notiz').fill('Bitte Nachweis nachreichen');
    await page.getByRole('button', { name: 'Status ändern zu: Bewilligt' }).click();
    await page.getByRole('alert').filter({ hasText: 'inzwischen von jemand anderem geändert' }).waitFor();
    await expect(page.getByLabel('Neue Notiz').inputValue()).resolves.toBe('Bitte Nachweis nachreichen');
    await page.getByRole('button', { name: 'Neu laden' }).click();
    await page.getByRole('button', { name: 'Status ändern zu: In Prüfung' }).waitFor();
    await expect(page.getByLabel('Neue Notiz').inputValue()).resolves.toBe('Bitte Nachweis nachreichen');
  });

  it('exports the filtered form as CSV, with the case in it', async () => {
    await page.getByRole('link', { name: 'Zurück zur Liste' }).click();
    await page.getByRole('heading', { name: 'Vorgänge' }).waitFor();
    await page.getByLabel('Formular', { exact: true }).selectOption('fischereischein');
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Anwenden' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV exportieren' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^fischereischein-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv((await downloadedBytes(download)).toString('utf8'));
    expect(rows[0]!.slice(0, 4)).toEqual(['caseId', 'reference', 'status', 'receivedAt']);
    const row = rows.find((candidate) => candidate[0] === created.caseId);
    expect(row?.[rows[0]!.indexOf('/applicant/familyName')]).toBe(created.marker);
    await page.getByText('Export heruntergeladen.').waitFor();
    await expectAccessible();
  });

  it('switches every label to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Cases' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.getByRole('button', { name: 'Export CSV' }).waitFor();
    // The message of the export before the switch speaks English now too.
    await page.getByText('Export downloaded.').waitFor();
    await expectAccessible();
  });

  it('leads back to sign-in when the token expires, keeping a typed note', async () => {
    await page.goto(`${stackInfo().apiUrl}/console/#/cases/${created.caseId}`);
    await page.getByRole('heading', { name: new RegExp(created.reference) }).waitFor();
    await page.getByLabel(/Neue Notiz|New note/).fill('Entwurf vor Ablauf');
    // The token runs out: replaced by one that expired (as time would do it).
    await page.evaluate(() => {
      const token = sessionStorage.getItem('egov-console.session')!;
      const [header, , signature] = token.split('.');
      const payload = btoa(JSON.stringify({ sub: 'carla-console', 'cognito:groups': ['ordnungsamt'], exp: 1 })).replace(/=+$/, '');
      sessionStorage.setItem('egov-console.session', `${header}.${payload}.${signature}`);
    });
    await page.reload();
    await page.getByRole('alert').filter({ hasText: /Sitzung ist abgelaufen|session has expired/ }).waitFor();
    await page.getByLabel(/Kennung|Clerk id/).fill('carla-console');
    await page.getByRole('button', { name: /Anmelden|Sign in/ }).click();
    await page.getByRole('heading', { name: new RegExp(created.reference) }).waitFor();
    await expect(page.getByLabel(/Neue Notiz|New note/).inputValue()).resolves.toBe('Entwurf vor Ablauf');
  });

  it('kept the tokens out of local storage and the CSP refused nothing', async () => {
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
