import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDeployable, defaultStageName, loadStageConfig, officeIds, placeholdersIn, stageNames } from '../../infra/config.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';
import { PROD_FIXTURE } from './synth.ts';

afterAll(removeTempDirs);

const context = (values: Record<string, unknown>) => (key: string) => values[key];
const prod = (extra: Record<string, unknown> = {}) => loadStageConfig(context({ stage: 'kreis-bergstrasse-prod', stageFile: PROD_FIXTURE, ...extra }));
const dev = () => loadStageConfig(context({ stage: defaultStageName() }));
const committed = (name: string) => loadStageConfig(context({ stage: name }));

describe('stage configuration', () => {
  it('defaults the region to eu-central-1', () => {
    expect(dev().region).toBe('eu-central-1');
  });

  it('ships at least two administrations, each with a dev and a prod file', () => {
    const administrations = new Set(stageNames().map((name) => name.replace(/-(dev|prod)$/, '')));
    expect(administrations.size).toBeGreaterThanOrEqual(2);
    for (const administration of administrations) expect(stageNames()).toEqual(expect.arrayContaining([`${administration}-dev`, `${administration}-prod`]));
  });

  it('gives dev and prod of one administration the same offices, and every office a German and an English display name', () => {
    for (const name of stageNames().filter((stage) => stage.endsWith('-dev'))) {
      expect(committed(name).offices).toEqual(committed(name.replace(/-dev$/, '-prod')).offices);
    }
    for (const name of stageNames()) {
      for (const office of committed(name).offices) expect(office.name).toEqual({ de: expect.stringMatching(/\S/), en: expect.stringMatching(/\S/) });
    }
  });

  it('names the deployment after the stage file: -c stage=<name>, or the file -c stageFile= names', () => {
    expect(dev().name).toBe(defaultStageName());
    const file = join(tempDir('egov-stages-'), 'stadt-beispiel-dev.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(JSON.stringify(dev())), name: undefined, file: undefined }));
    expect(loadStageConfig(context({ stageFile: file })).name).toBe('stadt-beispiel-dev');
  });

  it('retains data in prod only', () => {
    for (const name of stageNames()) expect(committed(name).retainData).toBe(committed(name).stage === 'prod');
  });

  it('refuses a missing, unknown or malformed stage, naming the stage files there are', () => {
    expect(() => loadStageConfig(context({}))).toThrow(new RegExp(`pass -c stage=<name>, one of ${stageNames().join(', ')}`));
    expect(() => loadStageConfig(context({ stage: 'kreis-nirgendwo-dev' }))).toThrow(/Unknown stage kreis-nirgendwo-dev: no file infra\/stages\/kreis-nirgendwo-dev\.json/);
    expect(() => loadStageConfig(context({ stage: '../kreis' }))).toThrow(/is no stage name/);
    expect(() => loadStageConfig(context({ stage: 'a'.repeat(33) }))).toThrow(/at most 32 characters/);
  });

  it('seals the audit trail every 5 minutes unless the stage file sets audit.checkpointIntervalMinutes, and refuses an interval off the grid', () => {
    expect(dev().audit.checkpointIntervalMinutes).toBe(5);
    const dir = tempDir('egov-stages-');
    const values = JSON.parse(JSON.stringify(dev())) as Record<string, unknown>;
    const withAudit = (audit: unknown): string => {
      const file = join(dir, 'stadt-beispiel-dev.json');
      writeFileSync(file, JSON.stringify({ ...values, audit, name: undefined, file: undefined }));
      return file;
    };
    expect(loadStageConfig(context({ stageFile: withAudit({ checkpointIntervalMinutes: 15 }) })).audit.checkpointIntervalMinutes).toBe(15);
    expect(loadStageConfig(context({ stageFile: withAudit({}) })).audit.checkpointIntervalMinutes).toBe(5);
    const refused: [unknown, RegExp][] = [
      [{ checkpointIntervalMinutes: 1 }, /audit\.checkpointIntervalMinutes: at least 5 minutes \(the checkpoint grid\)/],
      [{ checkpointIntervalMinutes: 7 }, /audit\.checkpointIntervalMinutes: a multiple of 5 minutes \(the checkpoint grid\)/],
      [{ checkpointIntervalMinutes: 90 }, /audit\.checkpointIntervalMinutes: at most 60 minutes/],
      [{ checkpointIntervalMinutes: '5' }, /audit\.checkpointIntervalMinutes: whole minutes/],
      [{ checkpointInterval: 10 }, /audit: Unrecognized key: "checkpointInterval"/],
    ];
    for (const [audit, message] of refused) expect(() => loadStageConfig(context({ stageFile: withAudit(audit) }))).toThrow(message);
  });

  it('refuses an office listed twice and a destination of an office the administration lacks', () => {
    const dir = tempDir('egov-stages-');
    const values = JSON.parse(JSON.stringify(dev())) as Record<string, unknown> & { offices: unknown[] };
    writeFileSync(join(dir, 'twice.json'), JSON.stringify({ ...values, offices: [...values.offices, values.offices[0]] }));
    expect(() => loadStageConfig(context({ stageFile: join(dir, 'twice.json') }))).toThrow(/office ordnungsamt is listed twice/);
    writeFileSync(join(dir, 'stranger.json'), JSON.stringify({ ...values, destinations: { bauamt: { url: 'https://bauamt.example/in', publicKeyFile: 'x.json' } } }));
    expect(() => loadStageConfig(context({ stageFile: join(dir, 'stranger.json') }))).toThrow(/destinations\.bauamt: no such office/);
  });

  it('lists office ids as the Cognito groups', () => {
    expect(officeIds(dev())).toEqual(dev().offices.map((office) => office.id));
  });

  it('takes the alarm address from the context and refuses an invalid one', () => {
    expect(loadStageConfig(context({ stage: 'kreis-bergstrasse-prod', alarmEmail: 'ops@kreis.example' })).alarmEmail).toBe('ops@kreis.example');
    expect(() => loadStageConfig(context({ stage: 'kreis-bergstrasse-prod', alarmEmail: 'nobody' }))).toThrow(/alarmEmail/);
  });

  it('reads each stage from its committed file, so a value written there (the alarm address) stays without -c', () => {
    expect(committed('kreis-bergstrasse-prod').alarmEmail).toBe('it-betrieb@example.de');
    expect(prod().alarmEmail).toBe('it-betrieb@landkreis.example');
  });

  it('takes CORS origins from the stage file or as a comma-separated context value, without code edits', () => {
    expect(prod().corsOrigins).toEqual(['https://formulare.landkreis.example']);
    expect(prod({ corsOrigins: 'https://a.landkreis.example, https://b.landkreis.example' }).corsOrigins).toEqual([
      'https://a.landkreis.example',
      'https://b.landkreis.example',
    ]);
  });

  it('refuses a stage file that is missing, naming the file', () => {
    expect(() => loadStageConfig(context({ stageFile: '/nonexistent/kreis-x-prod.json' }))).toThrow(/\/nonexistent\/kreis-x-prod\.json/);
  });
});

describe('a deployable stage (infra/app.ts)', () => {
  it('prod with the shipped example.de placeholders is refused, naming each setting and the file to edit', () => {
    const shipped = committed('kreis-bergstrasse-prod');
    expect(() => checkDeployable(shipped)).toThrow(/placeholder alarmEmail = "it-betrieb@example\.de"/);
    expect(() => checkDeployable(shipped)).toThrow(/placeholder corsOrigins\[0\] = "https:\/\/formulare\.example\.de"/);
    expect(() => checkDeployable(shipped)).toThrow(/placeholder backup\.copyToVaultArn/);
    expect(() => checkDeployable(shipped)).toThrow(/Edit infra\/stages\/kreis-bergstrasse-prod\.json/);
  });

  it('prod with real values passes, and one placeholder given on the command line is refused again', () => {
    expect(checkDeployable(prod()).stage).toBe('prod');
    expect(() => checkDeployable(prod({ alarmEmail: 'ops@example.de' }))).toThrow(/placeholder alarmEmail/);
    expect(placeholdersIn(prod())).toEqual([]);
  });

  it('prod refuses plain-HTTP origins, a missing backup account and a missing SES identity', () => {
    expect(() => checkDeployable(prod({ corsOrigins: 'http://localhost:5173' }))).toThrow(/corsOrigins: http:\/\/localhost:5173 is not HTTPS/);
    const noCopy = { ...prod(), backup: {}, cognitoEmail: undefined };
    expect(() => checkDeployable(noCopy)).toThrow(/backup\.copyToVaultArn/);
    expect(() => checkDeployable(noCopy)).toThrow(/cognitoEmail/);
  });

  it('refuses to synthesize outside the configured EU regions, and the allow-list holds EU regions only', () => {
    expect(() => checkDeployable(prod({ region: 'us-east-1' }))).toThrow(/region us-east-1 is not one of the stage's allowedRegions \(eu-central-1\)/);
    expect(() => checkDeployable(prod({ region: 'eu-west-1' }))).toThrow(/allowedRegions/);
    expect(() => loadStageConfig(context({ stageFile: PROD_FIXTURE.replace('kreis-bergstrasse-prod.json', 'non-eu.json') }))).toThrow(/an EU region/);
  });

  it('every committed dev file is deployable (placeholders are tolerated outside prod)', () => {
    for (const name of stageNames().filter((stage) => committed(stage).stage === 'dev')) expect(checkDeployable(committed(name)).name).toBe(name);
  });
});
