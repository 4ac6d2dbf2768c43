import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FormDefinitionError, type FormCatalogue, type FormDefinition } from '#lib/forms/catalogue.ts';
import { loadCheckedCatalogue } from '../formPatterns.ts';
import { STAGES_DIR, loadStageConfig, stageNames } from '../config.ts';
import { PROJECT_ROOT } from '../constructs/bundling.ts';
import { FORMS_SOURCE_DIR, formsOfferedNowhere, offeringOf } from '../forms.ts';

/**
 * `npm run forms:check [-- --update] [--forms-dir <dir>] [--lock <file>]`
 *
 * Checks every form definition as the handlers and the synth do (meta-schema, schema compiles, id
 * and version match the path, one office per form), against every administration's stage file
 * (infra/stages/*.json: a form it lists has an office it has; every form is offered somewhere),
 * and that published versions are immutable: forms.lock.json records a SHA-256 of each version's
 * canonical JSON, and a recorded version whose content changed or that disappeared fails the check.
 * `--update` records new versions; it never rewrites or removes a recorded one. Exit 0 or 1.
 */

export const DEFAULT_LOCK_FILE = path.join(PROJECT_ROOT, 'forms.lock.json');

const LOCK_COMMENT =
  'Published form versions and the SHA-256 of their canonical JSON (keys sorted, no whitespace). ' +
  'Written by `npm run forms:check -- --update`, which only adds entries. A published version is never edited: publish v<N+1> instead.';

const VERSION_FILE = /^v([1-9][0-9]{0,8})\.json$/;

export interface FormsLock {
  $comment: string;
  versions: Record<string, string>;
}

export interface CheckOptions {
  readonly formsDir: string;
  readonly lockFile: string;
  readonly update: boolean;
  /** The stage files the forms are checked against; default infra/stages/. */
  readonly stagesDir?: string;
}

export interface CheckResult {
  readonly ok: boolean;
  /** What to print: the table, then what was added, or the problems. */
  readonly lines: readonly string[];
  readonly problems: readonly string[];
}

/** JSON with keys sorted at every level and no whitespace: formatting and key order do not change it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What the lock records of a version: everything but the samples at the root of its schema
 * (`schema.examples`), which change nothing the version accepts. Adding or correcting a sample of a
 * published version is therefore no new version; every other change is.
 */
export function lockedContent(definition: unknown): unknown {
  if (typeof definition !== 'object' || definition === null) return definition;
  const { schema } = definition as { schema?: unknown };
  if (typeof schema !== 'object' || schema === null || !Object.hasOwn(schema, 'examples')) return definition;
  const { examples: _samples, ...rest } = schema as Record<string, unknown>;
  return { ...definition, schema: rest };
}

export const digestOf = (definition: unknown): string => createHash('sha256').update(canonicalJson(lockedContent(definition))).digest('hex');

/** `fischereischein/v2`: the lock's name for a form version. */
const lockKey = (form: Pick<FormDefinition, 'id' | 'version'>): string => `${form.id}/v${form.version}`;

function readLock(lockFile: string): FormsLock | undefined {
  if (!existsSync(lockFile)) return undefined;
  const parsed = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<FormsLock>;
  const versions = parsed.versions;
  if (typeof versions !== 'object' || versions === null || Object.values(versions).some((digest) => !/^[0-9a-f]{64}$/.test(String(digest)))) {
    throw new Error(`${lockFile}: not a forms lock file (expected {"versions": {"<formId>/v<N>": "<sha256 hex>"}})`);
  }
  return { $comment: LOCK_COMMENT, versions };
}

function writeLock(lockFile: string, versions: Record<string, string>): void {
  const sorted = Object.fromEntries(Object.entries(versions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text = `${JSON.stringify({ $comment: LOCK_COMMENT, versions: sorted }, null, 2)}\n`;
  writeFileSync(`${lockFile}.tmp`, text);
  renameSync(`${lockFile}.tmp`, lockFile);
}

/** Every version of every form, oldest first per form. The catalogue has already checked the layout. */
function allVersions(catalogue: FormCatalogue, formsDir: string): FormDefinition[] {
  return catalogue.list().flatMap((latest) =>
    readdirSync(path.join(formsDir, latest.id))
      .map((name) => Number(VERSION_FILE.exec(name)?.[1]))
      .filter((version) => Number.isInteger(version))
      .sort((a, b) => a - b)
      .map((version) => catalogue.get(latest.id, version) as FormDefinition),
  );
}

function table(forms: readonly FormDefinition[], lockState: (form: FormDefinition) => string): string[] {
  const rows = [
    ['id', 'version', 'office', 'retentionDays', 'lock', 'title (de)'],
    ...forms.map((form) => [form.id, String(form.version), form.office, String(form.retentionDays), lockState(form), form.title.de]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [line(rows[0]!), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)];
}

/** Runs the whole check. Never throws for a problem of the forms: it reports it. */
export function checkForms(options: CheckOptions): CheckResult {
  const { formsDir, lockFile, update } = options;
  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  let forms: FormDefinition[];
  try {
    const catalogue = loadCheckedCatalogue(formsDir);
    forms = allVersions(catalogue, formsDir);
    const stagesDir = options.stagesDir ?? STAGES_DIR;
    const problems: string[] = [];
    const offerings = stageNames(stagesDir).flatMap((name) => {
      try {
        const config = loadStageConfig((key) => (key === 'stageFile' ? path.join(stagesDir, `${name}.json`) : undefined));
        return [{ file: config.file, forms: offeringOf(config, catalogue, formsDir).forms }];
      } catch (error) {
        problems.push((error as Error).message);
        return [];
      }
    });
    if (problems.length === 0) problems.push(...formsOfferedNowhere(catalogue, offerings, formsDir));
    if (problems.length > 0) return { ok: false, lines: [], problems };
  } catch (error) {
    const message = error instanceof FormDefinitionError ? `invalid form definition: ${error.message}` : `${(error as Error).message}`;
    return { ok: false, lines: [], problems: [message] };
  }

  let lock: FormsLock | undefined;
  try {
    lock = readLock(lockFile);
  } catch (error) {
    return { ok: false, lines: [], problems: [(error as Error).message] };
  }
  if (!lock && !update) {
    return { ok: false, lines: [], problems: [`${relative(lockFile)} is missing: run \`npm run forms:check -- --update\` to record the published versions`] };
  }
  const locked = lock?.versions ?? {};
  const fileOf = (key: string) => relative(path.join(formsDir, `${key}.json`));

  const problems: string[] = [];
  const present = new Map(forms.map((form) => [lockKey(form), digestOf(form)]));
  for (const [key, digest] of Object.entries(locked)) {
    const now = present.get(key);
    if (now === undefined) {
      problems.push(`${fileOf(key)}: published version ${key} was deleted; published versions stay (cases refer to them), restore the file`);
    } else if (now !== digest) {
      problems.push(
        `${fileOf(key)}: published version ${key} was changed; restore it and publish the change as a new version (v<N+1>.json) instead`,
      );
    }
  }
  const added = forms.filter((form) => locked[lockKey(form)] === undefined);
  if (!update) {
    for (const form of added) {
      problems.push(`${fileOf(lockKey(form))}: new version ${lockKey(form)} is not in ${relative(lockFile)}: run \`npm run forms:check -- --update\` and commit the lock file`);
    }
  }

  const lines = table(forms, (form) => (locked[lockKey(form)] === undefined ? (update ? 'added' : 'new') : 'ok'));
  if (problems.length > 0) return { ok: false, lines, problems };
  if (update && (added.length > 0 || !lock)) {
    writeLock(lockFile, { ...locked, ...Object.fromEntries(added.map((form) => [lockKey(form), present.get(lockKey(form))!])) });
    return { ok: true, lines: [...lines, '', `recorded ${added.length} new version(s) in ${relative(lockFile)}: ${added.map(lockKey).join(', ') || '-'}`], problems };
  }
  return { ok: true, lines: [...lines, '', `${forms.length} form version(s) checked; every published version is unchanged`], problems };
}

export const USAGE = 'usage: npm run forms:check [-- --update] [--forms-dir <dir>] [--lock <file>]';
const HELP = `Checks every form definition under schemas/forms/ (or --forms-dir) as the handlers and the synth do,
and that no published version changed since forms.lock.json (or --lock) recorded it. --update records
new versions (never rewrites a recorded one). Exit 0 when everything holds, 1 otherwise.`;

/** The command line; returns the exit code. */
export function main(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
  let values: { update?: boolean; 'forms-dir'?: string; lock?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { update: { type: 'boolean' }, 'forms-dir': { type: 'string' }, lock: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    out(`${USAGE}\n\n${HELP}`);
    return 0;
  }
  const result = checkForms({
    formsDir: path.resolve(values['forms-dir'] ?? FORMS_SOURCE_DIR),
    lockFile: path.resolve(values.lock ?? DEFAULT_LOCK_FILE),
    update: values.update ?? false,
  });
  for (const line of result.lines) out(line);
  if (!result.ok) {
    err('');
    for (const problem of result.problems) err(`✗ ${problem}`);
    err(`\nforms:check failed (${result.problems.length} problem(s))`);
  }
  return result.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
