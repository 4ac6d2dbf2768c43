import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { call, clerkToken, fixture, stackInfo } from '../support/api.ts';
import { downloadedBytes, launchChromium, seriousViolations, type Chromium } from '../support/browser.ts';
import { newMarker, plantMarkers } from '../support/markers.ts';
import { submit } from '../support/submissions.ts';
import { fileOf, uploaded } from '../support/uploads.ts';

// A clerk downloads a case's attachments in the console, in a real headless Chromium against the
// suite's local stack: the file is shown at its field of the data under its decrypted name, the download yields the very
// bytes the citizen uploaded, under that name, the console stays open and its timeline shows the
// recorded view (case.attachment_viewed); axe finds nothing serious, the CSP refuses nothing.

const FISHING = 'fischereischein';
let chromium: Chromium;
let page: Page;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
const failedRequests: string[] = [];
let caseId: string;
let reference: string;
const attachmentIds: string[] = [];
/** `savedAs`: the name the download gets, with an extension that matches the verified media type. */
const files: { fileName: string; bytes: Buffer; mediaType: string; savedAs: string }[] = [];

beforeAll(async () => {
  const nameMarker = newMarker('Fn');
  const contentMarker = newMarker('Fc');
  plantMarkers([nameMarker, contentMarker]);
  const certificate = {
    field: '/examCertificate',
    fileName: `Prüfungszeugnis ${nameMarker}.pdf`,
    mediaType: 'application/pdf',
    bytes: fileOf.pdf(`zeugnis ${contentMarker}`),
    savedAs: `Prüfungszeugnis ${nameMarker}.pdf`,
  };
  // A PNG named as a program (issue 25, point 14): saved with the extension of what it was verified to be.
  const photo = { field: '/photo', fileName: `passbild-${nameMarker}.exe`, mediaType: 'image/png', bytes: fileOf.png(), savedAs: `passbild-${nameMarker}.exe.png` };
  const ids: string[] = [];
  for (const file of [certificate, photo]) {
    const result = await uploaded(FISHING, file);
    expect(result.status).toBe('clean');
    ids.push(result.attachmentId);
    attachmentIds.push(result.attachmentId);
    files.push(file);
  }
  const created = await submit(FISHING, { data: { ...fixture(FISHING), examCertificate: ids[0], photo: ids[1] } });
  expect(created.status).toBe(201);
  caseId = created.body.caseId;
  reference = created.body.reference;

  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('requestfailed', (request) => failedRequests.push(`${request.method()} ${new URL(request.url()).origin}: ${request.failure()?.errorText}`));
  // Two uploads each wait for their scan: on a loaded machine that alone can take minutes.
}, 300_000);

afterAll(async () => {
  await chromium?.close();
});

describe('attachments in the clerk console', () => {
  it('lists the files by their decrypted names on the case page', async () => {
    await page.goto(`${stackInfo().apiUrl}/console/`);
    await page.getByLabel('Kennung').fill('fiona-files');
    await page.getByLabel('ordnungsamt').check();
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Vorgänge' }).waitFor();
    await page.goto(`${stackInfo().apiUrl}/console/#/cases/${caseId}`);
    await page.getByRole('heading', { name: `Vorgang ${reference}` }).waitFor();
    // Each file field of the data shows its file: name (the download button), type and size, never the internal id.
    const data = page.locator('section[aria-labelledby="data-title"]');
    const listed = await data.locator('.attachment-file').allTextContents();
    expect(listed).toHaveLength(2);
    for (const [index, file] of files.entries()) {
      await data.getByRole('button', { name: `Herunterladen: ${file.fileName}` }).waitFor();
      const typeName = { 'application/pdf': 'PDF', 'image/png': 'PNG' }[file.mediaType];
      expect(listed.some((text) => text.includes(file.fileName) && text.includes(`(${typeName}, `) && /\d+ (B|KB|MB)\)/.test(text))).toBe(true);
      expect(await data.textContent()).not.toContain(attachmentIds[index]);
    }
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('downloads each file with the uploaded bytes under its name, and the timeline shows the view', async () => {
    const consoleUrl = page.url();
    for (const [index, file] of files.entries()) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Herunterladen: ${file.fileName}` }).click()]);
      expect(download.suggestedFilename()).toBe(file.savedAs);
      const saved = await downloadedBytes(download);
      expect(saved.equals(file.bytes)).toBe(true);
      await page.getByRole('status').filter({ hasText: `Anlage heruntergeladen: ${file.fileName}` }).waitFor();
      // One recorded view per download, shown in the history without reloading the page.
      const views = page.locator('.timeline li', { hasText: 'Anlage abgerufen' });
      await views.nth(index).waitFor();
      expect(await views.count()).toBe(index + 1);
      // The history names the file the clerk knows: its decrypted name, from the event's attachment id.
      expect(await views.nth(index).textContent()).toContain(`(${file.fileName})`);
    }
    expect(page.url()).toBe(consoleUrl);
    const events = await call('GET', `/cases/${caseId}/events`, { headers: { authorization: `Bearer ${await clerkToken('fiona-files', ['ordnungsamt'])}` } });
    const viewed = (events.body.items as { type: string; actor: string }[]).filter((event) => event.type === 'case.attachment_viewed');
    expect(viewed).toHaveLength(2);
    expect(viewed.every((event) => event.actor === 'fiona-files')).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('refuses to save a file whose bytes differ from the submitted checksum, and says so', async () => {
    // The vault object replaced behind the API's back (as only a broken or hostile store could).
    const { s3Endpoint, buckets, credentials, region } = stackInfo();
    const store = new S3Client({ endpoint: s3Endpoint, region, credentials, forcePathStyle: true });
    await store.send(new PutObjectCommand({ Bucket: buckets.vault, Key: attachmentIds[0], Body: fileOf.pdf('not the submitted bytes'), ContentType: 'application/pdf' }));
    store.destroy();
    let downloads = 0;
    const counting = () => downloads++;
    page.on('download', counting);
    await page.getByRole('button', { name: `Herunterladen: ${files[0]!.fileName}` }).click();
    await page.getByRole('alert').filter({ hasText: 'stimmt nicht mit der eingereichten überein' }).waitFor();
    // The view was recorded all the same (before the URL left the API) and is shown.
    await page.locator('.timeline li', { hasText: 'Anlage abgerufen' }).nth(2).waitFor();
    page.off('download', counting);
    expect(downloads).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('refused nothing: no CSP violation, no failed request, no page error', () => {
    expect(cspViolations).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
