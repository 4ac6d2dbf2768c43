import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { call, clerkToken, stackInfo } from '../support/api.ts';
import { launchChromium, seriousViolations, type Chromium } from '../support/browser.ts';
import { newMarker, plantMarkers } from '../support/markers.ts';
import { fishingLicence, submit } from '../support/submissions.ts';
import { fileOf } from '../support/uploads.ts';
import { eventLabelIn } from '../../console/src/history.ts';

// Messages in the clerk console, in a real headless Chromium against the suite's stack: a request
// with a PDF written in the console (ticket, upload, scan, If-Match), the status moved to
// "Rückfrage", the citizen's reply (over the API) shown beside notes and events; axe finds no
// serious or critical violation; the CSP refuses nothing.

let chromium: Chromium;
let page: Page;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
let created: { caseId: string; reference: string; statusToken: string };

const expectAccessible = async () => expect(await seriousViolations(page)).toEqual([]);

beforeAll(async () => {
  const answer = await submit('fischereischein', { data: fishingLicence().data });
  expect(answer.status).toBe(201);
  created = answer.body;
  plantMarkers([created.statusToken]);
  const clerk = await clerkToken('erik-console', ['ordnungsamt']);
  const read = await call('GET', `/cases/${created.caseId}`, { headers: { authorization: `Bearer ${clerk}` } });
  const moved = await call('PATCH', `/cases/${created.caseId}`, { body: { status: 'in_review' }, headers: { authorization: `Bearer ${clerk}`, 'if-match': read.headers.get('etag')! } });
  expect(moved.status).toBe(200);
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

describe('messages in the clerk console', () => {
  const text = `Bitte reichen Sie das Prüfungszeugnis nach. ${newMarker('Cm')}`;

  it('writes a request with a PDF: sent, the case in Rückfrage, the message listed', async () => {
    plantMarkers([text]);
    await page.goto(`${stackInfo().apiUrl}/console/#/cases/${created.caseId}`);
    await page.getByLabel('Kennung').fill('erik-console');
    await page.getByLabel('ordnungsamt').check();
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: `Vorgang ${created.reference}` }).waitFor();
    await page.getByRole('heading', { name: 'Nachrichten' }).waitFor();
    await page.getByText('Noch keine Nachrichten.').waitFor();
    await expectAccessible();

    await page.getByLabel('Art der Nachricht').selectOption('request');
    await page.getByLabel('Text', { exact: true }).fill(text);
    await page.getByLabel(/^Dateien/).setInputFiles({ name: 'formular.pdf', mimeType: 'application/pdf', buffer: fileOf.pdf('console') });
    await page.getByRole('button', { name: 'Nachricht senden' }).click();
    await page.locator('.messages li', { hasText: text }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Herunterladen: formular.pdf' }).waitFor();
    await expect(page.locator('[data-field="Status"]').textContent()).resolves.toBe('Rückfrage');
    await page.locator('.timeline li', { hasText: eventLabelIn('case.message_sent', 'de') }).waitFor();
    await expectAccessible();
  });

  it('shows the citizen\'s reply beside notes and events once he answered', async () => {
    const reply = `Anbei das Zeugnis. ${newMarker('Cr')}`;
    plantMarkers([reply]);
    const answer = await call('POST', `/status/${created.reference}/replies`, { body: { text: reply }, headers: { 'Status-Token': created.statusToken } });
    expect(answer.status).toBe(201);
    await page.reload();
    await page.locator('.messages li[data-from="citizen"]', { hasText: reply }).waitFor();
    await page.locator('.messages li[data-from="citizen"]', { hasText: 'Antragstellende Person' }).waitFor();
    await expectAccessible();
  });

  it('in English too, and the CSP refused nothing', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Messages' }).waitFor();
    await page.getByRole('button', { name: 'Send message' }).waitFor();
    await expectAccessible();
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
