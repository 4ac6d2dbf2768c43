import { describe, expect, it } from '@jest/globals';
import { OFFICES, loadStageConfig } from '../../infra/config.ts';

const context = (values: Record<string, unknown>) => (key: string) => values[key];

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
});
