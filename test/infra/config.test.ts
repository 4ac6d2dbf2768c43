import { describe, expect, it } from '@jest/globals';
import { OFFICES, checkDeployable, loadStageConfig, placeholdersIn } from '../../infra/config.ts';
import { PROD_FIXTURE } from './synth.ts';

const context = (values: Record<string, unknown>) => (key: string) => values[key];
const prod = (extra: Record<string, unknown> = {}) => loadStageConfig(context({ stage: 'prod', stageFile: PROD_FIXTURE, ...extra }));

describe('stage configuration', () => {
  it('defaults the region to eu-central-1', () => {
    expect(loadStageConfig(context({ stage: 'dev' })).region).toBe('eu-central-1');
  });

  it('has one clerk group per office in both stages', () => {
    for (const stage of ['dev', 'prod']) expect(loadStageConfig(context({ stage })).offices).toEqual([...OFFICES]);
  });

  it('retains data in prod only', () => {
    expect(loadStageConfig(context({ stage: 'prod' })).retainData).toBe(true);
    expect(loadStageConfig(context({ stage: 'dev' })).retainData).toBe(false);
  });

  it('refuses a missing or unknown stage, naming the choices', () => {
    expect(() => loadStageConfig(context({}))).toThrow(/-c stage=dev\|prod/);
    expect(() => loadStageConfig(context({ stage: 'test' }))).toThrow(/Unknown or missing stage "test"/);
  });

  it('takes the alarm address from the context and refuses an invalid one', () => {
    expect(loadStageConfig(context({ stage: 'prod', alarmEmail: 'ops@kreis.example' })).alarmEmail).toBe('ops@kreis.example');
    expect(() => loadStageConfig(context({ stage: 'prod', alarmEmail: 'nobody' }))).toThrow(/alarmEmail/);
  });

  it('reads each stage from its committed file, so a value written there (the alarm address) stays without -c', () => {
    expect(loadStageConfig(context({ stage: 'prod' })).alarmEmail).toBe('it-betrieb@example.de');
    expect(prod().alarmEmail).toBe('it-betrieb@landkreis.example');
  });

  it('takes CORS origins from the stage file or as a comma-separated context value, without code edits', () => {
    expect(prod().corsOrigins).toEqual(['https://formulare.landkreis.example']);
    expect(prod({ corsOrigins: 'https://a.landkreis.example, https://b.landkreis.example' }).corsOrigins).toEqual([
      'https://a.landkreis.example',
      'https://b.landkreis.example',
    ]);
  });

  it('refuses a stage file that is missing or names another stage, naming the file', () => {
    expect(() => loadStageConfig(context({ stage: 'prod', stageFile: '/nonexistent/prod.json' }))).toThrow(/\/nonexistent\/prod\.json/);
    expect(() => loadStageConfig(context({ stage: 'dev', stageFile: PROD_FIXTURE }))).toThrow(/configures stage prod, not dev/);
  });
});

describe('a deployable stage (infra/app.ts)', () => {
  it('prod with the shipped example.de placeholders is refused, naming each setting and the file to edit', () => {
    const committed = loadStageConfig(context({ stage: 'prod' }));
    expect(() => checkDeployable(committed)).toThrow(/placeholder alarmEmail = "it-betrieb@example\.de"/);
    expect(() => checkDeployable(committed)).toThrow(/placeholder corsOrigins\[0\] = "https:\/\/formulare\.example\.de"/);
    expect(() => checkDeployable(committed)).toThrow(/placeholder backup\.copyToVaultArn/);
    expect(() => checkDeployable(committed)).toThrow(/Edit infra\/stages\/prod\.json/);
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
    expect(() => loadStageConfig(context({ stage: 'dev', stageFile: PROD_FIXTURE.replace('prod.json', 'non-eu.json') }))).toThrow(/an EU region/);
  });

  it('dev as committed is deployable (placeholders are tolerated outside prod)', () => {
    expect(checkDeployable(loadStageConfig(context({ stage: 'dev' }))).stage).toBe('dev');
  });
});
