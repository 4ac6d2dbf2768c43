// A form published without code changes (a temporary forms folder with one new definition, a stack
// of its own) is rendered and submitted by the portal, and this journey is made with the keyboard
// alone: Tab, Shift+Tab, typing, Space, arrow keys and Enter, never a click. The portal derives
// everything from the form's schema and its `ui` overlay (page order and headings).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { mintToken } from '../../infra/local/tokens.ts';
import { fieldId } from '../../portal/src/form/pointer.ts';
import { launchChromium, seriousViolations, type Chromium } from '../support/browser.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

const example = { name: 'Erika Muster', kind: 'other', detail: 'Eine Frage zum Antrag', since: '2026-03-01', helpers: ['Max Muster'], consent: true };
const definition = {
  id: 'portal-neuheit',
  version: 1,
  office: 'ordnungsamt',
  title: { de: 'Neues Anliegen', en: 'New request' },
  description: { de: 'Ein Formular, das erst dieser Test veröffentlicht.', en: 'A form only this test publishes.' },
  retentionDays: 30,
  ui: {
    pages: [
      { title: { de: 'Über Sie', en: 'About you' }, properties: ['/name', '/kind', '/detail', '/since'] },
      { title: { de: 'Weiteres', en: 'More' }, properties: ['/helpers', '/consent'] },
    ],
  },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'kind', 'consent'],
    properties: {
      name: { title: 'Ihr Name', type: 'string', minLength: 1, maxLength: 100 },
      kind: { title: 'Anliegen', type: 'string', oneOf: [{ const: 'first', title: 'Erstantrag' }, { const: 'renewal', title: 'Verlängerung' }, { const: 'other', title: 'Etwas anderes' }] },
      detail: { title: 'Beschreibung', type: 'string', minLength: 3, maxLength: 500 },
      since: { title: 'Seit wann', type: 'string', format: 'date' },
      helpers: { title: 'Helfende Personen', type: 'array', maxItems: 3, items: { title: 'Helfende Person', type: 'string', minLength: 1, maxLength: 100 } },
      consent: { title: 'Ich bestätige, dass die Angaben stimmen.', type: 'boolean', const: true },
    },
    if: { required: ['kind'], properties: { kind: { const: 'other' } } },
    then: { required: ['detail'], properties: { detail: true } },
    examples: [example],
  },
};

let stack: RunningStack;
let chromium: Chromium;
let page: Page;
const foreign: string[] = [];

interface Focused {
  id: string;
  text: string;
  tag: string;
}
type Doc = { document: { activeElement: { id: string; textContent: string | null; tagName: string } | null } };
const focused = (): Promise<Focused> =>
  page.evaluate(() => {
    const active = (globalThis as unknown as Doc).document.activeElement;
    return { id: active?.id ?? '', text: (active?.textContent ?? '').trim(), tag: active?.tagName ?? '' };
  });

/** Presses Tab until the focused element is the one wanted (at most 80 times). */
async function tabTo(wanted: (element: Focused) => boolean, what: string): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    if (wanted(await focused())) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${what}`);
}
const tabToId = (id: string) => tabTo((element) => element.id === id, `#${id}`);
const tabToText = (text: string) => tabTo((element) => element.text === text || element.text.startsWith(`${text}:`), `"${text}"`);

beforeAll(async () => {
  const formsDir = tempDir('egov-portal-forms-');
  mkdirSync(join(formsDir, definition.id));
  writeFileSync(join(formsDir, definition.id, 'v1.json'), JSON.stringify(definition, null, 2));
  stack = await spawnStack({ LOCAL_DATA_DIR: tempDir('egov-portal-new-'), FORMS_DIR: formsDir }, 180_000);
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('request', (request) => {
    if (new URL(request.url()).hostname !== '127.0.0.1') foreign.push(request.url());
  });
}, 240_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
  removeTempDirs();
});

describe('a new form in the portal, by keyboard alone', () => {
  it('is offered, asked page by page as its overlay says, sent and confirmed, without a click', async () => {
    await page.goto(`${stack.info.apiUrl}/portal/`);
    await page.getByRole('heading', { name: 'Anträge online stellen' }).waitFor();
    await tabTo((element) => element.tag === 'A' && element.text === 'Neues Anliegen', 'the form link');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Über Sie' }).waitFor();

    await tabToId(fieldId('/name'));
    await page.keyboard.type(example.name);
    // A radio group: Tab enters it on its first option; arrow keys move the choice to the third.
    await tabToId(fieldId('/kind'));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(page.getByLabel('Etwas anderes').isChecked()).resolves.toBe(true);
    // The condition holds: its field appears, and it is the next stop.
    await tabToId(fieldId('/detail'));
    await page.keyboard.type(example.detail);
    await tabToId(fieldId('/since'));
    await page.keyboard.type('1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('3');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2026');
    await tabToText('Weiter');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: 'Weiteres' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await tabToText('Weiteren Eintrag hinzufügen');
    await page.keyboard.press('Enter');
    await tabToId(fieldId('/helpers/0'));
    await page.keyboard.type(example.helpers[0]!);
    await tabToId(fieldId('/consent'));
    await page.keyboard.press('Space');
    await tabToText('Weiter');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: 'Angaben prüfen' }).waitFor();
    // The labelled choice and the date read as a citizen writes them.
    await page.getByText('Etwas anderes', { exact: true }).waitFor();
    await page.getByText('01.03.2026', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await tabToText('Antrag absenden');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Antrag eingegangen' }).waitFor();
    const reference = (await page.locator('.portal-reference').textContent())!;

    await tabToText('Bearbeitungsstand ansehen');
    await page.keyboard.press('Enter');
    await page.locator('.portal-status', { hasText: 'Eingegangen' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // What the office reads is what was typed, and nothing the citizen could not see.
    const token = await mintToken(stack.info.dataDir, { sub: 'olga-portal', offices: ['ordnungsamt'], ttlSeconds: 300 });
    const headers = { authorization: `Bearer ${token}` };
    const list = (await (await fetch(`${stack.info.apiUrl}/cases?office=ordnungsamt&formId=${definition.id}`, { headers })).json()) as { items: { caseId: string; reference: string }[] };
    const caseId = list.items.find((item) => item.reference === reference)!.caseId;
    const stored = (await (await fetch(`${stack.info.apiUrl}/cases/${caseId}`, { headers })).json()) as { data: unknown; formVersion: number };
    expect(stored).toMatchObject({ data: example, formVersion: 1 });
    expect(foreign).toEqual([]);
  });
});
