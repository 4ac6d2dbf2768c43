import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { loadStageConfig, officeIds, stageNames } from '../../../infra/config.ts';
import { formCatalogue } from '../../support/forms.ts';

/**
 * Offices are configuration (ARCHITECTURE.md, principle 6): no file of the code in infra/ or
 * functions/ names an office that a stage file or a form definition names. The stage files
 * themselves (infra/stages/*.json) are configuration, not code.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));

function codeUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? codeUnder(join(dir, entry.name)) : /\.(ts|mjs|js|cjs)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

const offices = [
  ...new Set([
    ...stageNames().flatMap((name) => officeIds(loadStageConfig((key) => (key === 'stage' ? name : undefined)))),
    ...formCatalogue().offices(),
  ]),
].sort();
const files = [...codeUnder('infra'), ...codeUnder('functions')];

describe('offices in code', () => {
  it('knows the offices of the stage files and forms, and the files to search (the check can see something)', () => {
    expect(offices.length).toBeGreaterThanOrEqual(2);
    expect(files).toEqual(expect.arrayContaining(['infra/config.ts', 'functions/functions.ts']));
  });

  it('no source file in infra/ or functions/ names an office', () => {
    const named = files.flatMap((file) => {
      const source = readFileSync(join(root, file), 'utf8');
      return offices.filter((office) => new RegExp(`(?<![a-z0-9-])${office}(?![a-z0-9-])`).test(source)).map((office) => `${file}: ${office}`);
    });
    expect(named).toEqual([]);
  });
});
