import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES_DIR } from '../../infra/config.ts';
import { repoRoot } from '../../infra/local/paths.ts';
import { launchChromium, type Chromium } from '../support/browser.ts';
import { formCatalogue, testDefinition } from '../support/forms.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

/**
 * An administration is a stage file (API.md, "Administrations and offices"): `npm start` with a
 * stage file that adds an office no code knows, and a form of that office, serves that form in
 * `GET /forms` with the office's display name, the console shows the name, and only the forms the
 * file offers exist.
 */

const NEW_OFFICE = { id: 'bauaufsicht', name: { de: 'Untere Bauaufsichtsbehörde', en: 'Building Control Authority' } };
const NEW_FORM = 'bauvoranfrage';

afterAll(removeTempDirs);

/** A copy of the shipped forms with one form of the new office. */
function formsWithNewOffice(): string {
  const forms = tempDir('egov-forms-');
  cpSync(join(repoRoot, 'schemas/forms'), forms, { recursive: true });
  mkdirSync(join(forms, NEW_FORM));
  writeFileSync(join(forms, NEW_FORM, 'v1.json'), JSON.stringify(testDefinition({ id: NEW_FORM, office: NEW_OFFICE.id })));
  return forms;
}

/** The town's dev stage file with the new office and an explicit list of forms, in a temp dir. */
function stageFile(name: string, change: (stage: { offices: unknown[]; forms?: string[] }) => object): string {
  const stage = JSON.parse(readFileSync(join(STAGES_DIR, 'stadt-bensheim-dev.json'), 'utf8')) as { offices: unknown[]; forms?: string[] };
  const file = join(tempDir('egov-stages-'), `${name}.json`);
  writeFileSync(file, JSON.stringify(change(stage)));
  return file;
}

/** A shipped form of an office the town does not have (there is one: the Landkreis has more offices). */
const formOfAnotherOffice = (offices: string[]) => formCatalogue().list().find((form) => !offices.includes(form.office))!;

describe('npm start with an administration\'s stage file', () => {
  let stack: RunningStack;
  let chromium: Chromium | undefined;
  const offered = ['fischereischein', NEW_FORM];

  beforeAll(async () => {
    const file = stageFile('stadt-test-dev', (stage) => ({ ...stage, offices: [...stage.offices, NEW_OFFICE], forms: offered }));
    // A stack of its own (the forms build and DynamoDB Local): on the loaded 2-core machine that takes minutes.
    stack = await spawnStack({ STAGE_FILE: file, FORMS_DIR: formsWithNewOffice(), LOCAL_DATA_DIR: tempDir('egov-data-') }, 240_000);
  }, 260_000);

  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  it('names the stage file it runs', () => {
    expect(stack.info.stage.name).toBe('stadt-test-dev');
    expect(stack.output()).toContain('stage stadt-test-dev (');
  });

  it('lists exactly the offered forms in GET /forms, an office added only in the stage file with its display name', async () => {
    const response = await fetch(`${stack.info.apiUrl}/forms`);
    const { items } = (await response.json()) as { items: { id: string; office: string; officeName: unknown }[] };
    expect(items.map((item) => item.id).sort()).toEqual([...offered].sort());
    expect(items.find((item) => item.id === NEW_FORM)).toMatchObject({ office: NEW_OFFICE.id, officeName: NEW_OFFICE.name });
    const detail = (await (await fetch(`${stack.info.apiUrl}/forms/${NEW_FORM}`)).json()) as { officeName: unknown };
    expect(detail.officeName).toEqual(NEW_OFFICE.name);
  });

  it('has no form the administration does not offer: GET and a submission answer 404', async () => {
    const other = formOfAnotherOffice(['ordnungsamt', 'buergerbuero', NEW_OFFICE.id]);
    expect((await fetch(`${stack.info.apiUrl}/forms/${other.id}`)).status).toBe(404);
    const submitted = await fetch(`${stack.info.apiUrl}/forms/${other.id}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: (other.schema.examples as unknown[])[0] }),
    });
    expect(submitted.status).toBe(404);
  });

  it('shows the new office by its display name in the console: local sign-in and the list\'s office picker', async () => {
    chromium = await launchChromium();
    const page = await chromium.context.newPage();
    await page.goto(`${stack.info.apiUrl}/console/`);
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    const checkbox = page.getByRole('checkbox', { name: NEW_OFFICE.name.de, exact: true });
    await checkbox.check();
    await page.getByRole('checkbox', { name: 'Ordnungsamt', exact: true }).uncheck();
    await page.getByLabel('Kennung').fill('bea-bau');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Vorgänge' }).waitFor();
    const picker = page.getByLabel('Amt', { exact: true });
    await expect(picker.locator('option').allTextContents()).resolves.toEqual([NEW_OFFICE.name.de]);
    await expect(picker.inputValue()).resolves.toBe(NEW_OFFICE.id);
  }, 60_000);
});

describe('npm start refuses a stage file that offers a form whose office it lacks', () => {
  it('names the form and the stage file to edit, and does not start', () => {
    const form = formOfAnotherOffice(['ordnungsamt', 'buergerbuero']);
    const file = stageFile('stadt-kaputt-dev', (stage) => ({ ...stage, forms: ['fischereischein', form.id] }));
    const run = spawnSync(process.execPath, [join(repoRoot, 'infra/local/start.ts')], {
      env: { ...process.env, NODE_OPTIONS: '', STAGE_FILE: file, LOCAL_DATA_DIR: tempDir('egov-data-'), PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`form ${form.id} (`);
    expect(run.stderr).toContain(`belongs to office "${form.office}", which this administration lacks: add the office to "offices" in ${file}`);
    expect(run.stdout).not.toContain('listening on');
  });
});
