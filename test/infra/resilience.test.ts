import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { functionsOf } from '../../functions/functions.ts';
import { WRITE_FUSE_FACTOR, WRITE_UNITS_PER_SUBMISSION } from '../../infra/constructs/data.ts';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let prod: Synthesized;
let dev: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
  dev = synthStage('dev');
});
const resourcesOf = (s: Synthesized) => s.template.toJSON().Resources as Record<string, Resource>;
const ofType = (s: Synthesized, type: string) => Object.entries(resourcesOf(s)).filter(([, r]) => r.Type === type);
const idOf = (s: Synthesized, construct: { node: { defaultChild?: unknown } }) => s.stack.getLogicalId(construct.node.defaultChild as never);

describe('backups and disaster recovery (issue 18, point 1)', () => {
  it('prod backs up the cases and events tables daily into a locked vault, 35 days, encrypted with the at-rest key', () => {
    const [[, vault] = []] = ofType(prod, 'AWS::Backup::BackupVault');
    expect(vault?.Properties).toMatchObject({
      EncryptionKeyArn: { 'Fn::GetAtt': [idOf(prod, prod.stack.keys.dataKey), 'Arn'] },
      LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: 3 },
    });
    expect(vault?.DeletionPolicy).toBe('RetainExceptOnCreate');
    prod.template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 1 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: [
              {
                DestinationBackupVaultArn: 'arn:aws:backup:eu-central-1:210987654321:backup-vault:egov-forms-prod-copy',
                Lifecycle: { DeleteAfterDays: 35 },
              },
            ],
          }),
        ],
      },
    });
    const [[, selection] = []] = ofType(prod, 'AWS::Backup::BackupSelection');
    const selected = JSON.stringify((selection?.Properties.BackupSelection as { Resources: unknown }).Resources);
    expect(selected).toContain(idOf(prod, prod.stack.data.cases));
    expect(selected).toContain(idOf(prod, prod.stack.data.events));
    expect(selected).not.toContain(idOf(prod, prod.stack.data.idempotency));
  });

  it('dev backs up too, without a copy (no backup account configured) and with a governance-mode lock', () => {
    const [[, vault] = []] = ofType(dev, 'AWS::Backup::BackupVault');
    expect((vault?.Properties.LockConfiguration as Record<string, unknown>).ChangeableForDays).toBeUndefined();
    expect(JSON.stringify(ofType(dev, 'AWS::Backup::BackupPlan'))).toContain('"CopyActions":[]');
  });

  it('the case key is a single-Region key (decided before the first prod deploy)', () => {
    prod.template.hasResourceProperties('AWS::KMS::Key', { Description: Match.stringLikeRegexp('case envelopes'), MultiRegion: false });
  });
});

describe('capacity (issue 18, point 4)', () => {
  it('prod warms the tables and list indexes to a rush of 1,000 submissions/s and puts a write fuse above it', () => {
    const peak = 1000;
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', {
      WarmThroughput: { WriteUnitsPerSecond: peak * WRITE_UNITS_PER_SUBMISSION.cases, ReadUnitsPerSecond: 12000 },
      OnDemandThroughput: { MaxWriteRequestUnits: peak * WRITE_UNITS_PER_SUBMISSION.cases * WRITE_FUSE_FACTOR },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ WarmThroughput: { WriteUnitsPerSecond: 4000, ReadUnitsPerSecond: 12000 } }),
      ]),
    });
    for (const [, table] of ofType(prod, 'AWS::DynamoDB::Table')) {
      const warm = table.Properties.WarmThroughput as { WriteUnitsPerSecond: number };
      const fuse = table.Properties.OnDemandThroughput as { MaxWriteRequestUnits: number };
      expect(warm.WriteUnitsPerSecond).toBeGreaterThanOrEqual(4000);
      expect(fuse.MaxWriteRequestUnits).toBe(warm.WriteUnitsPerSecond * WRITE_FUSE_FACTOR);
    }
  });

  it('prod caps the submit function and reserves concurrency for every clerk function; dev reserves none', () => {
    const fns = resourcesOf(prod);
    for (const { name, trigger, fn } of prod.stack.functions.all) {
      const reserved = fns[idOf(prod, fn)]?.Properties.ReservedConcurrentExecutions;
      if (name === 'submit') expect(reserved).toBe(300);
      else if (trigger.kind === 'http' && trigger.access === 'clerk') expect(reserved).toBe(25);
      else expect(reserved).toBeUndefined();
    }
    for (const { fn } of dev.stack.functions.all) expect(resourcesOf(dev)[idOf(dev, fn)]?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('safe deployments (issue 18, point 6)', () => {
  it('API Gateway invokes each function through its live alias', () => {
    const aliases = ofType(prod, 'AWS::Lambda::Alias');
    expect(aliases.map(([, a]) => a.Properties.Name)).toEqual(functionsOf().map(() => 'live'));
    for (const [, method] of ofType(prod, 'AWS::ApiGateway::Method')) {
      if (method.Properties.HttpMethod === 'OPTIONS') continue;
      const uri = JSON.stringify((method.Properties.Integration as { Uri: unknown }).Uri);
      expect(aliases.some(([aliasId]) => uri.includes(`"${aliasId}"`))).toBe(true);
    }
  });

  it('prod rolls each function out as a 10 % canary that rolls back on its own errors (not the API 5XX rate: issue 25, point 6)', () => {
    const groups = ofType(prod, 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(functionsOf().length);
    const api5xx = idOf(prod, prod.stack.alarms.node.findChild('Api5xxRate'));
    for (const { name } of prod.stack.functions.all) {
      const errors = idOf(prod, prod.stack.alarms.node.findChild(`${name}Errors`));
      const group = groups.find(([id]) => id.includes(`${name}Deployment`))?.[1];
      expect(group?.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AutoRollbackConfiguration: { Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) },
      });
      const alarms = JSON.stringify((group?.Properties.AlarmConfiguration as { Alarms: unknown }).Alarms);
      expect(alarms).toContain(`"${errors}"`);
      expect(alarms).not.toContain(`"${api5xx}"`);
    }
    // dev deploys at once: no canary.
    expect(ofType(dev, 'AWS::CodeDeploy::DeploymentGroup')).toHaveLength(0);
  });

  it('the logical ids of tables, keys, user pool and backup vault stay as they are: a rename would orphan the data', () => {
    const ids = (s: Synthesized) => ({
      cases: idOf(s, s.stack.data.cases),
      events: idOf(s, s.stack.data.events),
      idempotency: idOf(s, s.stack.data.idempotency),
      caseKey: idOf(s, s.stack.keys.caseKey),
      dataKey: idOf(s, s.stack.keys.dataKey),
      userPool: idOf(s, s.stack.clerks.userPool),
      backupVault: idOf(s, s.stack.backups.vault),
    });
    const pinned = {
      cases: 'DataCasesE4E7C0E9',
      events: 'DataEventsB3DAF25C',
      idempotency: 'DataIdempotency4AE02808',
      caseKey: 'KeysCaseKey45EBC4CF',
      dataKey: 'KeysDataKey8F3FE3A4',
      userPool: 'ClerksUserPool281472A1',
      backupVault: 'BackupsVault1F11AFCC',
    };
    expect(ids(prod)).toEqual(pinned);
    expect(ids(dev)).toEqual(pinned);
    for (const id of Object.values(pinned)) expect(resourcesOf(prod)[id]).toBeDefined();
  });
});
