import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../infra/local/paths.ts';
import { mintToken } from '../../infra/local/tokens.ts';
import { launchChromium, seriousViolations, type Chromium } from '../support/browser.ts';
import { testDefinition } from '../support/forms.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

// The console as a clerk reads it (issue 26), in Chromium against a stack of this file's own that
// publishes a form of its own (labelled choices, a date), so it holds whatever forms ship: choices
// by their labels, dates and times German, no internal version number, the history in words with
// repeated views of one clerk folded into one line, and a message that follows the language switch.

const FORM = 'konsolentest';
const CLERK = 'erik-words';
let stack: RunningStack;
let dataDir: string;
let chromium: Chromium;
let page: Page;
let created: { caseId: string; reference: string };
const pageErrors: string[] = [];

beforeAll(async () => {
  const forms = tempDir('egov-words-forms-');
  cpSync(join(repoRoot, 'schemas/forms'), forms, { recursive: true });
  mkdirSync(join(forms, FORM));
  const definition = testDefinition({
    id: FORM,
    schema: {
      required: ['licence', 'birthDate'],
      properties: {
        licence: {
          title: 'Art des Fischereischeins',
          type: 'string',
          oneOf: [
            { const: 'jahresfischereischein', title: 'Jahresfischereischein' },
            { const: 'fuenfjahresfischereischein', title: 'Fünfjahresfischereischein' },
          ],
        },
        birthDate: { title: 'Geburtsdatum', type: 'string', format: 'date' },
      },
      examples: [{ licence: 'fuenfjahresfischereischein', birthDate: '1988-04-17' }],
    },
  });
  writeFileSync(join(forms, FORM, 'v1.json'), JSON.stringify(definition));
  dataDir = tempDir('egov-words-data-');
  stack = await spawnStack({ LOCAL_DATA_DIR: dataDir, FORMS_DIR: forms });
  const answer = await fetch(`${stack.info.apiUrl}/forms/${FORM}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: { licence: 'fuenfjahresfischereischein', birthDate: '1988-04-17' } }),
  });
  expect(answer.status).toBe(201);
  created = (await answer.json()) as typeof created;
  // The clerk opens the case three times in a row (as a reload would), before the console.
  const token = await mintToken(dataDir, { sub: CLERK, offices: ['ordnungsamt'] });
  for (let i = 0; i < 3; i++) expect((await fetch(`${stack.info.apiUrl}/cases/${created.caseId}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 180_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
  removeTempDirs();
});

const valueOf = (label: string) => page.locator('.kern-description-list-item', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).first().locator('dd');

describe('the console as a clerk reads it', () => {
  it('shows a choice by its label and a date as 17.04.1988', async () => {
    await page.goto(`${stack.info.apiUrl}/console/`);
    await page.getByLabel('Kennung').fill(CLERK);
    await page.getByLabel('ordnungsamt').check();
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Vorgänge' }).waitFor();
    // The list's dates are German too.
    const received = page.locator('tr', { hasText: created.reference }).locator('td').nth(3);
    await expect(received.textContent()).resolves.toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    await page.goto(`${stack.info.apiUrl}/console/#/cases/${created.caseId}`);
    await page.getByRole('heading', { name: `Vorgang ${created.reference}` }).waitFor();
    await expect(valueOf('Art des Fischereischeins').textContent()).resolves.toBe('Fünfjahresfischereischein');
    await expect(valueOf('Geburtsdatum').textContent()).resolves.toBe('17.04.1988');
    await expect(valueOf('Eingang').textContent()).resolves.toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    const text = (await page.locator('main, body').first().textContent()) ?? '';
    expect(text).not.toContain('fuenfjahresfischereischein');
    expect(text).not.toContain('1988-04-17');
    expect(text).not.toContain('Bearbeitungsstand');
  });

  it('tells the history in words, the repeated views of one clerk as one line with their count', async () => {
    await page.locator('.timeline li', { hasText: 'Angesehen' }).first().waitFor();
    const lines = await page.locator('.timeline li').allTextContents();
    expect(lines.find((line) => line.includes('Eingegangen'))).toMatch(/Eingegangen\s+–\s+Bürger\/in/);
    // Three views through the API and the console's own: one line, every view still an event.
    const views = lines.filter((line) => line.includes('Angesehen'));
    expect(views).toHaveLength(1);
    expect(views[0]).toMatch(new RegExp(`${CLERK}, 4 Mal`));
    const token = await mintToken(dataDir, { sub: CLERK, offices: ['ordnungsamt'] });
    const events = (await (await fetch(`${stack.info.apiUrl}/cases/${created.caseId}/events`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { type: string; actor: string }[] };
    expect(events.items.filter((event) => event.type === 'case.viewed' && event.actor === CLERK)).toHaveLength(4);
    expect(lines.join('\n')).not.toMatch(/\bcitizen\b|case\.\w+/);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('says the same in English after the switch, its messages included', async () => {
    await page.getByLabel('Neue Notiz').fill('Rückruf vereinbart');
    await page.getByRole('button', { name: 'Notiz speichern' }).click();
    await page.getByText('Gespeichert.').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Saved.').waitFor();
    await expect(valueOf('Received').textContent()).resolves.toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}$/);
    const lines = await page.locator('.timeline li').allTextContents();
    expect(lines.find((line) => line.includes('Received'))).toMatch(/Received\s+–\s+Citizen/);
    expect(pageErrors).toEqual([]);
  });
});
