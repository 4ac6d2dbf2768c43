import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkForms } from '../../../infra/scripts/forms-check.ts';
import { FORMS_DIR, FORMS_LOCK, formCatalogue } from '../../support/forms.ts';
import { runToEnd } from '../../support/processes.ts';

/**
 * A new form published exactly as docs/forms.md says, in a copy of the forms: the definition is the
 * docs' own example, `forms:check --update` records it, and the suites that depend on the forms pass
 * with it. Publishing a form must not need a test change.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The suites whose expectations come from the catalogue: every unit suite that takes its forms from
 * test/support/forms.ts (which reads EGOV_FORMS_DIR and EGOV_FORMS_LOCK), found, not listed, so a
 * new suite that assumes something of every shipped form is held to publishing too.
 */
const FORM_SUITES = readdirSync(join(root, 'test', 'unit'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts') && !file.endsWith('publishing.test.ts'))
  .map((file) => join('test', 'unit', file))
  .filter((file) => /from '(?:\.\.\/)+support\/forms\.ts'/.test(readFileSync(join(root, file), 'utf8')))
  .sort();

/**
 * The first JSON code block of the section "The definition" of docs/forms.md. Should a form of that
 * id have been published meanwhile, the same definition under an id still free.
 */
function documentedDefinition(): { id: string; version: number; text: string } {
  const docs = readFileSync(join(root, 'docs', 'forms.md'), 'utf8');
  const section = docs.slice(docs.indexOf('\n## The definition\n'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/forms.md: no JSON block under "## The definition"');
  const { id, version } = JSON.parse(block) as { id: string; version: number };
  let free = id;
  for (let n = 2; formCatalogue().get(free) !== undefined; n += 1) free = `${id}-${n}`;
  return { id: free, version, text: `${block.replace(`"id": "${id}"`, `"id": "${free}"`)}\n` };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function runJest(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return runToEnd(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...env, NODE_OPTIONS: '--experimental-vm-modules --disable-warning=ExperimentalWarning' },
  });
}

describe('publishing a new form the documented way', () => {
  it('is one file and a lock entry, and the form-dependent suites pass with it', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'egov-publish-'));
    tempDirs.push(workspace);
    const formsDir = join(workspace, 'forms');
    const lockFile = join(workspace, 'forms.lock.json');
    cpSync(FORMS_DIR, formsDir, { recursive: true });
    cpSync(FORMS_LOCK, lockFile);

    // Step 1: the docs' definition, as schemas/forms/<formId>/v1.json.
    const { id, version, text } = documentedDefinition();
    expect(version).toBe(1);
    mkdirSync(join(formsDir, id));
    writeFileSync(join(formsDir, id, `v${version}.json`), text);

    // Step 2: `npm run forms:check -- --update` records it; the plain check then passes.
    const update = checkForms({ formsDir, lockFile, update: true });
    expect(update.problems).toEqual([]);
    expect(update.lines.join('\n')).toContain(`recorded 1 new version(s)`);
    expect(checkForms({ formsDir, lockFile, update: false })).toMatchObject({ ok: true, problems: [] });

    // Step 3: the tests, unchanged, against the forms with the new one (the suites found include the
    // catalogue's own, so the search for them cannot come back empty unnoticed).
    expect(FORM_SUITES).toContain(join('test', 'unit', 'forms', 'catalogue.test.ts'));
    const { code, output } = await runJest(['--selectProjects', 'unit', '--verbose', '--reporters=default', '--runTestsByPath', ...FORM_SUITES], {
      EGOV_FORMS_DIR: formsDir,
      EGOV_FORMS_LOCK: lockFile,
      // The child's own temp files (jest's cache) stay in the workspace, removed with it.
      TMPDIR: dirname(formsDir),
    });
    expect({ code, failures: code === 0 ? '' : output.slice(-4000) }).toEqual({ code: 0, failures: '' });
    expect(output).toMatch(new RegExp(`Test Suites: ${FORM_SUITES.length} passed`));
    // The suites did see the new form: the cases derived from the catalogue name it.
    expect(output).toContain(`${id}@${version}`);
  }, 420_000);
});
