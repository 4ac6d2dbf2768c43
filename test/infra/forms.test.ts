import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { defaultStageName, loadStageConfig, officeIds, stageNames, type StageConfig } from '../../infra/config.ts';
import { checkFormDefinitions } from '../../infra/forms.ts';
import { formCatalogue, testDefinition } from '../support/forms.ts';
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

const stage = (name: string): StageConfig => loadStageConfig((key) => (key === 'stage' ? name : undefined));
const landkreis = () => stage(defaultStageName());

describe('form definitions at synth time', () => {
  it('accepts the repository’s form definitions for every stage file', () => {
    for (const name of stageNames()) expect(() => checkFormDefinitions(stage(name))).not.toThrow();
  });

  it('stops the build on a malformed definition, naming the file', () => {
    const dir = formsDir({ 'hundesteuer/v1.json': '{ "id": "hundesteuer", ' });
    expect(() => checkFormDefinitions(landkreis(), dir)).toThrow(path.join(dir, 'hundesteuer', 'v1.json'));
  });

  it('refuses a listed form whose office the administration lacks, naming the form, its file and the stage file to edit', () => {
    const dir = formsDir({ 'hundesteuer/v1.json': testDefinition({ id: 'hundesteuer', office: 'bauamt' }) });
    const administration = { ...landkreis(), forms: ['hundesteuer'] };
    const refused = () => checkFormDefinitions(administration, dir);
    expect(refused).toThrow(`form hundesteuer (${path.join(dir, 'hundesteuer', 'v1.json')}) belongs to office "bauamt", which this administration lacks`);
    expect(refused).toThrow(`add the office to "offices" in infra/stages/${defaultStageName()}.json`);
  });

  it('refuses a listed form that does not exist, by name', () => {
    expect(() => checkFormDefinitions({ ...landkreis(), forms: ['gibt-es-nicht'] })).toThrow(/"forms" names gibt-es-nicht, which is no form/);
  });

  it('offers by default every form whose office the administration has, and names each office as its stage file does', () => {
    const administration = landkreis();
    const offering = checkFormDefinitions(administration);
    expect(offering.forms).toEqual(formCatalogue().list().filter((form) => officeIds(administration).includes(form.office)).map((form) => form.id));
    for (const office of administration.offices) expect(offering.officeNames[office.id]).toEqual(office.name);
  });

  it('offers a form of an office no other administration has once a stage file adds the office: configuration, no code', () => {
    const dir = formsDir({ 'hundesteuer/v1.json': testDefinition({ id: 'hundesteuer', office: 'steueramt' }) });
    expect(checkFormDefinitions(landkreis(), dir).forms).toEqual([]);
    const withOffice = { ...landkreis(), offices: [...landkreis().offices, { id: 'steueramt', name: { de: 'Steueramt', en: 'Tax Office' } }] };
    expect(checkFormDefinitions(withOffice, dir)).toMatchObject({ forms: ['hundesteuer'], officeNames: { steueramt: { de: 'Steueramt', en: 'Tax Office' } } });
  });

  it('ships administrations that differ in offices and forms', () => {
    const offerings = stageNames().map((name) => JSON.stringify([officeIds(stage(name)), checkFormDefinitions(stage(name)).forms]));
    expect(new Set(offerings).size).toBeGreaterThanOrEqual(2);
  });
});
