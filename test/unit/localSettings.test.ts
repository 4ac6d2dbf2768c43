// Issue 25, point 18: every setting the local stack reads is named by `npm start -- --help`, and
// every setting the help names is documented where the help points (docs/local.md).
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.ts';
import { SETTINGS_DOC, USAGE } from '../../infra/local/usage.ts';

const LOCAL_SOURCES = join(repoRoot, 'infra', 'local');

/** The settings the help names: `  NAME=example  what it does`. */
const inHelp = (): string[] => [...USAGE.matchAll(/^ {2}([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);

/**
 * The environment variables the local stack's own code reads (`process.env.X`, `env.X`); not those
 * it sets for the handlers it runs (`process.env.X = …`).
 */
function readByTheStack(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(LOCAL_SOURCES).filter((name) => name.endsWith('.ts'))) {
    for (const match of readFileSync(join(LOCAL_SOURCES, file), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)\b(?!\s*=[^=])/g)) names.add(match[1]!);
  }
  return [...names];
}

/** The settings the doc describes: the first cell of each table row, in backticks. */
function inDoc(): string[] {
  return [...readFileSync(join(repoRoot, SETTINGS_DOC), 'utf8').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1]!);
}

describe('the settings of npm start', () => {
  it('the help points to a doc that exists', () => {
    expect(USAGE).toContain(SETTINGS_DOC);
    expect(existsSync(join(repoRoot, SETTINGS_DOC))).toBe(true);
  });

  it('the help names every setting the local stack reads, and none it does not', () => {
    const read = readByTheStack();
    expect(read).toEqual(expect.arrayContaining(['PORT', 'LOCAL_DELIVERY_BACKOFF', 'LOCAL_STATUS_RATE_LIMIT'])); // the scan finds them at all
    expect(inHelp().sort()).toEqual(read.sort());
  });

  it('the doc describes every setting of the help, each once, and none other', () => {
    const documented = inDoc();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(inHelp().sort());
  });
});
