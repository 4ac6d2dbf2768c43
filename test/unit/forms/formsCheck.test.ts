import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMS_DIR, FORMS_LOCK, formCatalogue } from '../../support/forms.ts';
import { canonicalJson, checkForms, digestOf, main, type FormsLock } from '../../../infra/scripts/forms-check.ts';
import { STAGES_DIR, stageNames } from '../../../infra/config.ts';

// The shipped forms and lock, or the copies the publishing test points EGOV_FORMS_DIR and EGOV_FORMS_LOCK at.
const shippedForms = FORMS_DIR;
const shippedLock = FORMS_LOCK;

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the shipped forms and lock file that a test may change. */
function workspace(): { formsDir: string; lockFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'forms-check-'));
  tempDirs.push(root);
  cpSync(shippedForms, join(root, 'forms'), { recursive: true });
  cpSync(shippedLock, join(root, 'forms.lock.json'));
  return { formsDir: join(root, 'forms'), lockFile: join(root, 'forms.lock.json') };
}

const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const writeJson = (file: string, value: unknown): void => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
const lockOf = (file: string): FormsLock => readJson(file) as unknown as FormsLock;
/** The number a new version of wohngeld would get: one past the latest shipped one. */
const nextWohngeld = (): number => (formCatalogue().get('wohngeld')?.version ?? 0) + 1;

/** Runs the command line, collecting what it prints. */
function run(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run forms:check', () => {
  it('passes on the shipped forms and lock file, printing a table of every version', () => {
    const { code, out, err } = run('--forms-dir', shippedForms, '--lock', shippedLock);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^id +version +office +retentionDays +lock +title \(de\)$/m);
    expect(out).toMatch(/^fischereischein +1 +ordnungsamt +1095 +ok +Antrag auf Erteilung eines Fischereischeins$/m);
    expect(out).toMatch(/^fischereischein +2 +ordnungsamt /m);
    expect(out).toMatch(/^wohngeld +1 +wohngeldstelle +3650 /m);
  });

  it('records every shipped version in the lock file', () => {
    const versions = formCatalogue().all().map((form) => `${form.id}/v${form.version}`);
    expect(Object.keys(lockOf(shippedLock).versions).sort()).toEqual(versions.sort());
  });

  it('fails on a published version whose content changed, naming the file', () => {
    const { formsDir, lockFile } = workspace();
    const file = join(formsDir, 'fischereischein', 'v1.json');
    writeJson(file, { ...readJson(file), retentionDays: 30 });
    const { code, err } = run('--forms-dir', formsDir, '--lock', lockFile);
    expect(code).toBe(1);
    expect(err).toContain('fischereischein/v1.json: published version fischereischein/v1 was changed');
    expect(err).toMatch(/publish the change as a new version/);
  });

  it('does not count reformatting or reordering keys as a change', () => {
    const { formsDir, lockFile } = workspace();
    const file = join(formsDir, 'wohngeld', 'v1.json');
    const definition = readJson(file);
    const reordered = Object.fromEntries(Object.entries(definition).reverse());
    writeFileSync(file, JSON.stringify(reordered));
    expect(checkForms({ formsDir, lockFile, update: false })).toMatchObject({ ok: true, problems: [] });
  });

  it('does not count adding or changing the examples of a published version as a change', () => {
    const { formsDir, lockFile } = workspace();
    const file = join(formsDir, 'fischereischein', 'v1.json');
    const definition = readJson(file) as { schema: { examples: Record<string, unknown>[] } };
    const [first] = definition.schema.examples;
    definition.schema.examples = [{ ...first, validFrom: '2027-01-01' }, first!];
    writeJson(file, definition);
    expect(checkForms({ formsDir, lockFile, update: false })).toMatchObject({ ok: true, problems: [] });
  });

  it('keeps the lock digest of a version the same with or without its examples, but not without anything else', () => {
    const definition = readJson(join(shippedForms, 'fischereischein', 'v1.json')) as { schema: Record<string, unknown> };
    const { examples: _examples, ...withoutExamples } = definition.schema;
    expect(digestOf({ ...definition, schema: withoutExamples })).toBe(digestOf(definition));
    const { title: _title, ...withoutTitle } = definition.schema;
    expect(digestOf({ ...definition, schema: withoutTitle })).not.toBe(digestOf(definition));
    expect(digestOf({ ...definition, examples: [] })).not.toBe(digestOf(definition));
  });

  it('fails on a form that no administration offers (its office is in no stage file), naming the file and the stage files to edit', () => {
    const { formsDir, lockFile } = workspace();
    // Every version of the form moves (a form's versions share one office), the latest is named.
    const versions = readdirSync(join(formsDir, 'wohngeld')).sort((a, b) => Number(a.slice(1, -5)) - Number(b.slice(1, -5)));
    for (const version of versions) writeJson(join(formsDir, 'wohngeld', version), { ...readJson(join(formsDir, 'wohngeld', version)), office: 'bauamt' });
    const file = join(formsDir, 'wohngeld', versions.at(-1) ?? '');
    const { problems } = checkForms({ formsDir, lockFile, update: false });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${file}: no administration offers form wohngeld (office "bauamt")`);
    expect(problems[0]).toContain('add { "id": "bauamt", "name": { "de": "…", "en": "…" } } to "offices" in the stage file');
    for (const name of stageNames()) expect(problems[0]).toContain(`infra/stages/${name}.json`);
  });

  it('fails on a stage file that lists a form whose office the administration lacks, naming the form and the stage file', () => {
    const { formsDir, lockFile } = workspace();
    const stagesDir = mkdtempSync(join(tmpdir(), 'forms-check-stages-'));
    tempDirs.push(stagesDir);
    cpSync(STAGES_DIR, stagesDir, { recursive: true });
    const [name] = stageNames(stagesDir);
    const stageFile = join(stagesDir, `${name}.json`);
    const stage = readJson(stageFile) as { offices: { id: string }[] };
    const form = formCatalogue().list()[0]!;
    const lacking = { ...stage, offices: stage.offices.filter((office) => office.id !== form.office), forms: [form.id] };
    writeJson(stageFile, lacking.offices.length > 0 ? lacking : { ...lacking, offices: [{ id: 'anderes-amt', name: { de: 'Anderes Amt', en: 'Other Office' } }] });
    const { ok, problems } = checkForms({ formsDir, lockFile, update: false, stagesDir });
    expect(ok).toBe(false);
    expect(problems).toEqual([expect.stringContaining(`form ${form.id} (`)]);
    expect(problems[0]).toContain(`belongs to office "${form.office}", which this administration lacks: add the office to "offices" in ${stageFile}`);
  });

  it('fails on a deleted published version', () => {
    const { formsDir, lockFile } = workspace();
    unlinkSync(join(formsDir, 'fischereischein', 'v2.json'));
    const result = checkForms({ formsDir, lockFile, update: false });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/fischereischein\/v2\.json: published version fischereischein\/v2 was deleted/)]);
  });

  it('fails on a malformed definition, naming the file', () => {
    const { formsDir, lockFile } = workspace();
    const file = join(formsDir, 'schuelerbefoerderung', 'v2.json');
    writeFileSync(file, '{ "id": "schuelerbefoerderung", ');
    const { code, err } = run('--forms-dir', formsDir, '--lock', lockFile);
    expect(code).toBe(1);
    expect(err).toContain(`invalid form definition: ${file}: not valid JSON`);
  });

  it('fails on a pattern that backtracks catastrophically, naming the file, the pattern and the fix', () => {
    const { formsDir, lockFile } = workspace();
    const file = join(formsDir, 'wohngeld', 'v2.json');
    const definition = readJson(join(formsDir, 'wohngeld', 'v1.json')) as { version: number; schema: { properties: Record<string, unknown> } };
    definition.version = 2;
    definition.schema.properties.nickname = { type: 'string', maxLength: 80, pattern: '^(\\p{L}+[ -]?)+$' };
    writeJson(file, definition);
    const { code, err } = run('--forms-dir', formsDir, '--lock', lockFile);
    expect(code).toBe(1);
    expect(err).toContain(`invalid form definition: ${file}: the pattern "^(\\\\p{L}+[ -]?)+$" at /schema/properties/nickname/pattern can take exponential time`);
    expect(err).toContain('instead of');
  });

  it('accepts the linear patterns of the shipped forms (postcodes, IBAN, BIC, phone numbers)', () => {
    const { formsDir, lockFile } = workspace();
    expect(checkForms({ formsDir, lockFile, update: false })).toMatchObject({ ok: true });
  });

  it('fails on a definition whose version does not match its file name', () => {
    const { formsDir, lockFile } = workspace();
    const file = join(formsDir, 'wohngeld', 'v2.json');
    writeJson(file, readJson(join(formsDir, 'wohngeld', 'v1.json')));
    expect(checkForms({ formsDir, lockFile, update: false }).problems).toEqual([
      `invalid form definition: ${file}: version 1 does not match its file name v2.json: set "version": 2`,
    ]);
  });

  it('fails on a new version that is not yet in the lock file', () => {
    const { formsDir, lockFile } = workspace();
    const next = nextWohngeld();
    writeJson(join(formsDir, 'wohngeld', `v${next}.json`), { ...readJson(join(formsDir, 'wohngeld', 'v1.json')), version: next });
    const { code, err } = run('--forms-dir', formsDir, '--lock', lockFile);
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`wohngeld/v${next}\\.json: new version wohngeld/v${next} is not in .*forms\\.lock\\.json: run \`npm run forms:check -- --update\``));
  });

  it('--update adds a new version to the lock file and leaves the recorded ones as they were', () => {
    const { formsDir, lockFile } = workspace();
    const before = lockOf(lockFile).versions;
    const next = nextWohngeld();
    const added = { ...readJson(join(formsDir, 'wohngeld', 'v1.json')), version: next };
    writeJson(join(formsDir, 'wohngeld', `v${next}.json`), added);

    const { code, out } = run('--update', '--forms-dir', formsDir, '--lock', lockFile);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^wohngeld +${next} +wohngeldstelle +3650 +added `, 'm'));
    expect(out).toContain('recorded 1 new version(s)');
    expect(lockOf(lockFile).versions).toEqual({ ...before, [`wohngeld/v${next}`]: digestOf(added) });
    expect(run('--forms-dir', formsDir, '--lock', lockFile).code).toBe(0);
  });

  it('--update never rewrites a changed published version', () => {
    const { formsDir, lockFile } = workspace();
    const before = readFileSync(lockFile, 'utf8');
    const file = join(formsDir, 'fischereischein', 'v2.json');
    writeJson(file, { ...readJson(file), office: 'jugendamt' });
    expect(run('--update', '--forms-dir', formsDir, '--lock', lockFile).code).toBe(1);
    expect(readFileSync(lockFile, 'utf8')).toBe(before);
  });

  it('--update creates a missing lock file; without --update a missing one fails', () => {
    const { formsDir, lockFile } = workspace();
    unlinkSync(lockFile);
    expect(run('--forms-dir', formsDir, '--lock', lockFile)).toMatchObject({ code: 1, err: expect.stringMatching(/forms\.lock\.json is missing/) });
    expect(run('--update', '--forms-dir', formsDir, '--lock', lockFile).code).toBe(0);
    expect(lockOf(lockFile).versions).toEqual(lockOf(shippedLock).versions);
  });

  it('refuses unknown options with the usage', () => {
    expect(run('--force')).toMatchObject({ code: 1, err: expect.stringMatching(/usage: npm run forms:check/) });
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 'x' }], a: null })).toBe('{"a":null,"b":[{"c":"x","d":1}]}');
  });
});
