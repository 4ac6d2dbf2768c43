import type { Locator, Page } from 'playwright-core';
import { choicesOf, fieldLabel, isSchema, resolveRef, type Schema } from '../../console/shared/schemaText.ts';
import { kindOf } from '../../portal/src/form/model.ts';
import { fieldId } from '../../portal/src/form/pointer.ts';
import { fileOf } from './uploads.ts';

/**
 * Fills a form in the citizens' portal (a real browser) from data that matches its schema, as a
 * citizen would: it walks the schema and the data, finds each field by its label (the schema's
 * `title`), group by its legend, choice by the choice's label, and answers it; on every page it
 * also uploads a small file into each file field. Pages are taken as they come: the filler
 * answers what the page shows of the data, then continues, until the check-your-answers page.
 * What the portal prefilled (a BundID sign-in's attributes) is typed over with the data's value:
 * `fill` replaces a field's content, so the case holds exactly the data whether or not a prefilled
 * value equalled it.
 * Nothing here knows a particular form.
 */
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The "add another" button of a list (its name ends with the list's label). */
const addAnother = (label: string): RegExp => new RegExp(`^Weiteren Eintrag hinzufügen\\W*${escape(label)}$`);
/** A field's accessible name: its label, perhaps followed by "(optional)". */
const named = (label: string): RegExp => new RegExp(`^${escape(label)}( \\(optional\\))?$`);

export interface FillOptions {
  /** Called on every page before it is left (axe, screenshots). */
  onPage?: (page: Page) => Promise<void>;
}


/** The schema of a property of an object schema, its conditional branches included. */
function propertySchema(root: Schema, schema: Schema, name: string): Schema {
  const found: Schema[] = [];
  const visit = (node: unknown): void => {
    const resolved = resolveRef(root, node);
    if (isSchema(resolved.properties) && isSchema(resolved.properties[name])) found.push(resolveRef(root, resolved.properties[name]));
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(resolved[keyword])) (resolved[keyword] as unknown[]).forEach(visit);
    for (const keyword of ['then', 'else']) if (resolved[keyword] !== undefined) visit(resolved[keyword]);
  };
  visit(schema);
  return Object.assign({}, ...found.reverse()) as Schema;
}

async function fillValue(page: Page, scope: Locator, root: Schema, name: string, schema: Schema, value: unknown, label: string): Promise<void> {
  const kind = kindOf(root, schema);
  if (kind === 'group') {
    const group = scope.getByRole('group', { name: named(label) }).first();
    await fillObject(page, group, root, schema, value as Schema);
  } else if (kind === 'list') {
    const list = scope.getByRole('group', { name: named(label) }).first();
    const items = resolveRef(root, schema.items);
    const itemTitle = typeof items.title === 'string' ? items.title : label;
    const entries = value as unknown[];
    for (const [index, item] of entries.entries()) {
      const entryName = `${itemTitle} ${index + 1}`;
      if (kindOf(root, items) === 'group') {
        const entry = list.getByRole('group', { name: entryName, exact: true }).first();
        if ((await entry.count()) === 0) await list.getByRole('button', { name: addAnother(label) }).last().click();
        await fillObject(page, entry, root, items, item as Schema);
      } else {
        if ((await list.getByLabel(named(entryName)).count()) === 0) await list.getByRole('button', { name: addAnother(label) }).last().click();
        await fillValue(page, list, root, String(index), items, item, entryName);
      }
    }
  } else if (kind === 'files' || kind === 'file') {
    // File fields get a file of their own on every page (uploadFiles); ids in the data are not typed.
  } else if (kind === 'choice' || kind === 'yes-no') {
    const choiceLabel = kind === 'yes-no' ? (value ? 'Ja' : 'Nein') : choicesOf(schema, 'de')!.find((choice) => choice.value === value)!.label;
    const radios = scope.getByRole('group', { name: named(label) });
    if ((await radios.count()) > 0) await radios.first().getByLabel(choiceLabel, { exact: true }).check();
    else await scope.getByLabel(named(label)).first().selectOption({ label: choiceLabel });
  } else if (kind === 'consent') {
    await scope.getByLabel(label, { exact: true }).first().check();
  } else if (kind === 'date') {
    const [year, month, day] = String(value).split('-');
    const group = scope.getByRole('group', { name: named(label) }).first();
    await group.getByLabel('Tag', { exact: true }).fill(String(Number(day)));
    await group.getByLabel('Monat', { exact: true }).fill(String(Number(month)));
    await group.getByLabel('Jahr', { exact: true }).fill(year!);
  } else if (kind === 'number' || kind === 'integer') {
    await scope.getByLabel(named(label)).first().fill(String(value).replace('.', ','));
  } else {
    await scope.getByLabel(named(label)).first().fill(String(value));
  }
  void name;
}

async function fillObject(page: Page, scope: Locator, root: Schema, schema: Schema, value: Schema): Promise<void> {
  const order = Object.keys(isSchema(schema.properties) ? schema.properties : {});
  const names = Object.keys(value).sort((a, b) => (order.indexOf(a) + 1 || Infinity) - (order.indexOf(b) + 1 || Infinity));
  for (const name of names) {
    const sub = propertySchema(root, schema, name);
    await fillValue(page, scope, root, name, sub, value[name], fieldLabel(name, sub, 'de'));
  }
}

/** Each file input of the page gets one small file of a type it accepts; resolves once every file is checked clean. */
async function uploadFiles(page: Page): Promise<number> {
  const inputs = await page.locator('main input[type=file]').all();
  for (const input of inputs) {
    const accept = (await input.getAttribute('accept')) ?? '';
    const png = accept.includes('image/png');
    await input.setInputFiles({ name: png ? 'nachweis.png' : 'nachweis.pdf', mimeType: png ? 'image/png' : 'application/pdf', buffer: png ? fileOf.png() : fileOf.pdf() });
  }
  // Every file shown is checked clean (the count in the page, the texts by locator).
  if (inputs.length > 0) {
    try {
      await page.locator('main .portal-file').nth(inputs.length - 1).waitFor({ timeout: 90_000 });
      for (const status of await page.locator('main .portal-file [role=status]').all()) await status.filter({ hasText: /geprüft\.$/ }).waitFor({ timeout: 90_000 });
    } catch (error) {
      throw new Error(`the files were not accepted; the page says: ${await page.locator('main').innerText()}`, { cause: error });
    }
  }
  return inputs.length;
}

/** The top-level properties whose fields the page shows (the fields' ids derive from their pointers). */
async function namesOnPage(page: Page, names: string[]): Promise<string[]> {
  const shown: string[] = [];
  for (const name of names) {
    const id = fieldId(`/${name}`);
    if ((await page.locator(`main [id="${id}"], main [id^="${id}--"]`).count()) > 0) shown.push(name);
  }
  return shown;
}

/**
 * From the first question page to the check page. Returns how many files it uploaded. Throws
 * with the page's error summary when a page does not let it on.
 */
export async function fillForm(page: Page, root: Schema, data: Schema, options: FillOptions = {}): Promise<{ files: number }> {
  let files = 0;
  for (let guard = 0; guard < 50; guard++) {
    const heading = page.locator('main h1');
    await heading.waitFor();
    if ((await heading.textContent()) === 'Angaben prüfen') return { files };
    const step = await page.locator('main p', { hasText: /Schritt \d+ von \d+/ }).textContent();
    const names = await namesOnPage(page, Object.keys(data));
    const single = names.length === 1 && kindOf(root, propertySchema(root, root, names[0]!)) === 'group' && (await page.getByRole('group', { name: named(fieldLabel(names[0]!, propertySchema(root, root, names[0]!), 'de')) }).count()) === 0;
    if (single) await fillObject(page, page.locator('main'), root, propertySchema(root, root, names[0]!), data[names[0]!] as Schema);
    else await fillObject(page, page.locator('main'), root, root, Object.fromEntries(names.map((name) => [name, data[name]])));
    files += await uploadFiles(page);
    await options.onPage?.(page);
    await page.getByRole('button', { name: 'Weiter', exact: true }).click();
    await page
      .locator('main h1', { hasText: /^Angaben prüfen$/ })
      .or(page.locator('.portal-error-summary'))
      .or(page.locator('main p', { hasText: /Schritt \d+ von \d+/ }).filter({ hasNotText: step! }))
      .first()
      .waitFor();
    const summary = page.locator('.portal-error-summary');
    if ((await summary.count()) > 0) throw new Error(`the portal did not accept the page "${step}": ${await summary.textContent()}`);
  }
  throw new Error('the form did not end in a check page');
}
