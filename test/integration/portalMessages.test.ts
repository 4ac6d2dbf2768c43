// The status page's messages and accesses in a real headless Chromium against the suite's local
// stack: a citizen submits a form in the portal; a clerk (API, If-Match) moves it to in_review and
// sends a request; the citizen opens the news mail's status link, sees the request as something to
// answer, replies by keyboard alone with text and a PDF, sees the reply; the clerk's case holds it and
// a worker moves the case back to in_review; the clerk approves and sends the decision with a PDF;
// the citizen downloads it (case.decision_downloaded); "Who saw your data?" lists the clerk's views
// by the office's display name and never the clerk. axe-core on the page with messages.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { call, clerkToken, stackInfo, type Answer } from '../support/api.ts';
import { downloadedBytes, launchChromium, seriousViolations, type AxeViolation, type Chromium } from '../support/browser.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { newMarker } from '../support/markers.ts';
import { fillForm } from '../support/portalFiller.ts';
import { fileOf, send, sha256Of } from '../support/uploads.ts';
import { until } from '../support/waiting.ts';
import { fieldId } from '../../portal/src/form/pointer.ts';

const form = formCatalogue().list().find((candidate) => candidate.confirmation)!;
const CLERK = `clerk-${newMarker('Ck').toLowerCase()}`;

let chromium: Chromium;
let page: Page;
let bearer: Record<string, string>;
const violations: { url: string; violations: AxeViolation[] }[] = [];
const pageErrors: string[] = [];

const portal = (path = ''): string => `${stackInfo().apiUrl}/portal/${path}`;

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

async function mailsTo(address: string): Promise<{ subject: string; body: { text?: string } }[]> {
  const store = (await (await fetch(stackInfo().mailUrl)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

async function readCase(caseId: string): Promise<Answer> {
  const answer = await call('GET', `/cases/${caseId}`, { headers: bearer });
  expect(answer.status).toBe(200);
  return answer;
}

async function patch(caseId: string, status: string): Promise<void> {
  const etag = (await readCase(caseId)).headers.get('etag')!;
  const answer = await call('PATCH', `/cases/${caseId}`, { body: { status }, headers: { ...bearer, 'if-match': etag } });
  expect(answer.status).toBe(200);
}

async function sendMessage(caseId: string, body: Record<string, unknown>): Promise<void> {
  const etag = (await readCase(caseId)).headers.get('etag')!;
  const answer = await call('POST', `/cases/${caseId}/messages`, { body, headers: { ...bearer, 'if-match': etag } });
  expect(answer.status).toBe(201);
}

const eventTypes = async (caseId: string): Promise<{ type: string; detail?: unknown }[]> =>
  (await call('GET', `/cases/${caseId}/events?limit=100`, { headers: bearer })).body.items as { type: string; detail?: unknown }[];

beforeAll(async () => {
  bearer = { authorization: `Bearer ${await clerkToken(CLERK, [form.office])}` };
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await chromium?.close();
});

describe('the status page: messages, a reply, the decision, and who saw the data', () => {
  const address = `${newMarker('Pq').toLowerCase()}@example.de`;
  const requestText = `Bitte reichen Sie den Mietvertrag nach. ${newMarker('Rq')}`;
  const replyText = `Anbei der Mietvertrag.\nMit freundlichen Grüßen ${newMarker('Rp')}`;
  const replyFile = { name: `mietvertrag-${newMarker('Fn').toLowerCase()}.pdf`, bytes: fileOf.pdf('reply') };
  const decisionFile = { name: `bescheid-${newMarker('Fd').toLowerCase()}.pdf`, bytes: fileOf.pdf('decision') };
  let caseId: string;

  it('the citizen submits in the portal; the clerk moves the case to in_review and sends a request', async () => {
    if (!form.confirmation) throw new Error('no shipped form names a confirmation e-mail field');
    const data = sampleOf(form.id);
    setAt(data, form.confirmation.emailPointer, address);
    await page.goto(portal());
    await page.evaluate(() => sessionStorage.clear());
    await page.getByRole('link', { name: form.title.de, exact: true }).click();
    await page.locator('main h1').waitFor();
    await fillForm(page, form.schema, data);
    await page.getByRole('button', { name: 'Antrag absenden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Antrag eingegangen' }).waitFor();
    const reference = (await page.locator('.portal-reference').textContent())!;
    const list = await call('GET', `/cases?office=${form.office}&formId=${form.id}&limit=100`, { headers: bearer });
    caseId = (list.body.items as { caseId: string; reference: string }[]).find((item) => item.reference === reference)!.caseId;
    await patch(caseId, 'in_review');
    await sendMessage(caseId, { kind: 'request', text: requestText });
  });

  it('the news mail\'s link shows the request as something to answer; the page passes axe', async () => {
    const link = await until('the news mail', async () => {
      const mail = (await mailsTo(address)).find((candidate) => candidate.subject.startsWith('Neuigkeiten'));
      return mail?.body.text?.match(/https?:\/\/\S+\/portal\/status\?reference=\S+#token=\S+/)?.[0];
    });
    await page.goto(link);
    await page.locator('.portal-status', { hasText: 'Rückfrage' }).waitFor();
    const request = page.locator('.portal-message--request');
    await request.getByRole('heading', { name: 'Rückfrage der Behörde: bitte antworten Sie' }).waitFor();
    await expect(request.locator('.portal-message__text').textContent()).resolves.toBe(requestText);
    await page.getByRole('heading', { name: 'Wer hat Ihre Daten gesehen?' }).waitFor();
    await audit(page);
    expect(violations).toEqual([]);
  });

  it('an empty reply shows the error summary, whose link focuses the text', async () => {
    await page.getByRole('button', { name: 'Antwort senden' }).click();
    const summary = page.locator('.portal-error-summary');
    await summary.getByRole('link', { name: 'Bitte schreiben Sie Ihre Nachricht.' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe(fieldId('/text'));
    await expect(page.locator(`[id="${fieldId('/text')}"]`).getAttribute('aria-invalid')).resolves.toBe('true');
    await audit(page);
    expect(violations).toEqual([]);
  });

  it('the citizen replies with text and a PDF, by keyboard alone, and sees the reply and the case back in review', async () => {
    // The file: picking it is the operating system's dialog; the input is set directly.
    await page.locator(`[id="${fieldId('/files')}"]`).setInputFiles({ name: replyFile.name, mimeType: 'application/pdf', buffer: replyFile.bytes });
    await page.locator('.portal-reply .portal-file [role=status]', { hasText: 'Hochgeladen und geprüft.' }).waitFor({ timeout: 90_000 });
    // The text and the sending by keyboard: from the top of the page, Tab to the text, type, Tab to the button, Enter.
    await page.locator('main h1').focus();
    const textId = fieldId('/text');
    for (let presses = 0; (await page.evaluate('document.activeElement?.id')) !== textId; presses++) {
      if (presses > 80) throw new Error('the reply text cannot be reached with Tab');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type(replyText);
    await expect(page.locator(`[id="${textId}-count"]`).textContent()).resolves.toContain(`${(4000 - replyText.length).toLocaleString('de-DE')} von 4.000 Zeichen`);
    for (let presses = 0; (await page.evaluate('document.activeElement?.textContent?.trim()')) !== 'Antwort senden'; presses++) {
      if (presses > 20) throw new Error('the send button cannot be reached with Tab');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.locator('.portal-reply [role=status]', { hasText: 'Ihre Antwort wurde gesendet.' }).waitFor();
    const reply = page.locator('.portal-message--citizen');
    await reply.getByRole('heading', { name: 'Ihre Antwort' }).waitFor();
    await expect(reply.locator('.portal-message__text').textContent()).resolves.toBe(replyText);
    await reply.getByRole('button', { name: new RegExp(`^Herunterladen: ${replyFile.name.replaceAll('.', '\\.')}`) }).waitFor();
    // A worker moves needs_info back to in_review; the page reads the status again on its own, for
    // about two minutes (portal/src/followUps.ts).
    await page.locator('.portal-status', { hasText: 'In Bearbeitung' }).waitFor({ timeout: 140_000 });
    await expect(page.locator(`[id="${textId}"]`).inputValue()).resolves.toBe('');
  }, 300_000);

  it('the clerk\'s case holds the reply and its file, and is in in_review', async () => {
    const read = await until('in_review', async () => {
      const answer = await readCase(caseId);
      return answer.body.status === 'in_review' ? answer : undefined;
    });
    expect(read.body.messages).toEqual([
      expect.objectContaining({ from: 'office', kind: 'request', text: requestText }),
      expect.objectContaining({
        from: 'citizen',
        kind: 'reply',
        text: replyText,
        attachments: [expect.objectContaining({ fileName: replyFile.name, mediaType: 'application/pdf', size: replyFile.bytes.length, sha256: sha256Of(replyFile.bytes) })],
      }),
    ]);
  });

  it('the clerk approves and sends the decision with a PDF; the citizen downloads it from the status page', async () => {
    await patch(caseId, 'approved');
    const ticket = await call('POST', `/cases/${caseId}/attachments`, {
      body: { fileName: decisionFile.name, mediaType: 'application/pdf', size: decisionFile.bytes.length, sha256: sha256Of(decisionFile.bytes) },
      headers: bearer,
    });
    expect(ticket.status).toBe(201);
    expect((await send('PUT', ticket.body.upload.url, ticket.body.upload.headers, decisionFile.bytes)).status).toBe(200);
    await until('the scan', async () => ((await call('GET', `/forms/${form.id}/attachments/${ticket.body.attachmentId}`)).body.status === 'clean' ? true : undefined));
    await sendMessage(caseId, { kind: 'decision', text: 'Ihr Antrag ist bewilligt.', attachments: [ticket.body.attachmentId] });
    expect((await eventTypes(caseId)).map((event) => event.type)).not.toContain('case.decision_downloaded');

    await page.getByRole('button', { name: 'Aktualisieren' }).click();
    const decision = page.locator('.portal-message--decision');
    await decision.getByRole('heading', { name: 'Bescheid' }).waitFor();
    await page.locator('.portal-status', { hasText: 'Bewilligt' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      decision.getByRole('button', { name: new RegExp(`^Bescheid herunterladen: ${decisionFile.name.replaceAll('.', '\\.')}`) }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(decisionFile.name);
    expect(await downloadedBytes(download)).toEqual(decisionFile.bytes);
    const events = await eventTypes(caseId);
    expect(events).toContainEqual(expect.objectContaining({ type: 'case.decision_downloaded', detail: ticket.body.attachmentId }));
    await audit(page);
    expect(violations).toEqual([]);
  });

  it('"Wer hat Ihre Daten gesehen?" lists the clerk\'s views by the office\'s display name, never the clerk', async () => {
    const forms = (await (await fetch(`${stackInfo().apiUrl}/forms`, { headers: { 'accept-language': 'de' } })).json()) as { items: { id: string; officeName: string | Record<string, string> }[] };
    const officeName = forms.items.find((item) => item.id === form.id)!.officeName;
    const displayName = typeof officeName === 'string' ? officeName : officeName.de!;
    await page.getByRole('button', { name: 'Aktualisieren' }).click();
    const section = page.locator('.portal-accesses');
    const viewed = section.locator('tbody tr', { hasText: 'Ihre Angaben wurden angesehen' }).filter({ hasText: displayName });
    await viewed.first().waitFor();
    // The clerk read the case several times above (each a case.viewed): each is a row.
    expect(await viewed.count()).toBeGreaterThanOrEqual(2);
    await expect(viewed.first().locator('td').first().textContent()).resolves.toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    const text = (await section.textContent())!;
    expect(text).not.toContain(CLERK);
    expect(text).not.toContain('clerk-');
    await audit(page);
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the server\'s 422 shows clearly: the 20-reply limit in the summary, a refused text at its field by pointer', async () => {
    const problems = [
      { pointer: '', keyword: 'maxItems', message: 'must NOT have more than 20 items' },
      { pointer: '/text', keyword: 'maxLength', message: 'must NOT have more than 4000 characters' },
    ];
    let sent = 0;
    await page.route('**/status/*/replies', async (route) => {
      const error = problems[sent++]!;
      await route.fulfill({ status: 422, contentType: 'application/problem+json', body: JSON.stringify({ type: 'urn:problem:validation-failed', title: 'Validation failed', status: 422, errors: [error] }) });
    });
    try {
      const text = page.locator(`[id="${fieldId('/text')}"]`);
      await text.fill('Noch eine Frage.');
      await page.getByRole('button', { name: 'Antwort senden' }).click();
      await page.locator('.portal-error-summary', { hasText: 'Sie haben die Höchstzahl von 20 Antworten zu diesem Antrag erreicht.' }).waitFor();
      // The text is kept for another way of contact.
      await expect(text.inputValue()).resolves.toBe('Noch eine Frage.');
      await page.getByRole('button', { name: 'Antwort senden' }).click();
      const link = page.locator('.portal-error-summary').getByRole('link', { name: 'Ihre Nachricht darf höchstens 4.000 Zeichen lang sein.' });
      await expect(link.getAttribute('href')).resolves.toBe(`#${fieldId('/text')}`);
      await expect(text.getAttribute('aria-invalid')).resolves.toBe('true');
      await audit(page);
    } finally {
      await page.unroute('**/status/*/replies');
    }
    expect(sent).toBe(2);
    expect(violations).toEqual([]);
  });

  it('speaks English on request', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Who saw your data?' }).waitFor();
    await page.locator('.portal-message--request').getByRole('heading', { name: 'Question from the office: please answer' }).waitFor();
    await page.locator('.portal-message--decision').getByRole('button', { name: /^Download the decision letter: / }).waitFor();
    await page.locator('.portal-accesses tbody tr', { hasText: 'Your details were viewed' }).first().waitFor();
    await page.getByRole('button', { name: 'Deutsch' }).click();
    expect(pageErrors).toEqual([]);
  });
});
