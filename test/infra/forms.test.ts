import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { OFFICES } from '../../infra/config.ts';
import { checkFormDefinitions } from '../../infra/forms.ts';
import { testDefinition } from '../support/forms.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

afterAll(removeTempDirs);

function formsDir(definitions: Record<string, unknown>): string {
  const dir = tempDir('forms-');
  for (const [file, content] of Object.entries(definitions)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}


describe('form definitions at synth time', () => {
  it('accepts the repository’s form definitions', () => {
    expect(() => checkFormDefinitions(OFFICES)).not.toThrow();
  });

  it('stops the build on a malformed definition, naming the file', () => {
    const dir = formsDir({ 'hundesteuer/v1.json': '{ "id": "hundesteuer", ' });
    expect(() => checkFormDefinitions(OFFICES, dir)).toThrow(path.join(dir, 'hundesteuer', 'v1.json'));
  });

  it('stops the build on a form of an office without a clerk group', () => {
    const dir = formsDir({ 'hundesteuer/v1.json': testDefinition({ id: 'hundesteuer', office: 'bauamt' }) });
    const file = path.join(dir, 'hundesteuer', 'v1.json');
    expect(() => checkFormDefinitions(OFFICES, dir)).toThrow(`${file} (office "bauamt")`);
    expect(() => checkFormDefinitions(OFFICES, dir)).toThrow(/adds "bauamt" to OFFICES and to the stage's "offices" in infra\/config\.ts/);
  });
});
