import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { LIST_PROJECTION, casesTable, citizenIndex } from '#lib/cases/tables.ts';
import { functionsOf } from '../../functions/functions.ts';
import { TABLE_NEEDS } from '#lib/runtime/needs.ts';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});

const ofType = (s: Synthesized, type: string): Resource[] =>
  Object.values(s.template.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === type);

describe('data, keys and retention', () => {
  it('every table is on-demand, point-in-time recoverable, TTL-expiring and encrypted with the at-rest key', () => {
    const dataKey = dev.stack.getLogicalId(dev.stack.keys.dataKey.node.defaultChild as never);
    const tables = ofType(dev, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(TABLE_NEEDS.length);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [dataKey, 'Arn'] } },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    }
  });

  it('the cases table has the four list indexes and the citizen index, projecting only the summary attributes', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [...casesTable.indexes, citizenIndex].map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LIST_PROJECTION] },
      })),
    });
  });

  it('both keys rotate automatically and have an alias', () => {
    // The audit key (asymmetric, infra/constructs/audit.ts) cannot rotate: it signs, and its one public key verifies every checkpoint.
    const keys = ofType(dev, 'AWS::KMS::Key').filter((key) => key.Properties.KeyUsage !== 'SIGN_VERIFY');
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key.Properties.EnableKeyRotation).toBe(true);
    dev.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/egov-forms/kreis-bergstrasse-dev/case' });
    dev.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/egov-forms/kreis-bergstrasse-dev/data' });
  });

  it('the HMAC secret is generated and encrypted with the at-rest key, never given in the template', () => {
    const [secret] = ofType(dev, 'AWS::SecretsManager::Secret');
    expect(secret?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret?.Properties.SecretString).toBeUndefined();
    expect(secret?.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [dev.stack.getLogicalId(dev.stack.keys.dataKey.node.defaultChild as never), 'Arn'] });
  });

  it('prod retains tables, keys, secret and user pool and protects tables and user pool from deletion', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Cognito::UserPool']) {
      for (const resource of ofType(prod, type)) expect({ type, policy: resource.DeletionPolicy }).toEqual({ type, policy: 'RetainExceptOnCreate' });
    }
    for (const table of ofType(prod, 'AWS::DynamoDB::Table')) expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  it('dev deletes tables, keys, secret and user pool with the stack and has no deletion protection', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Cognito::UserPool']) {
      // Except the audit key: it verifies checkpoints that Object Lock keeps beyond the stack (test/infra/audit.test.ts).
      for (const resource of ofType(dev, type).filter((r) => r.Properties.KeyUsage !== 'SIGN_VERIFY')) expect({ type, policy: resource.DeletionPolicy }).toEqual({ type, policy: 'Delete' });
    }
    for (const table of ofType(dev, 'AWS::DynamoDB::Table')) expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });

  it.each([
    ['dev', 14],
    ['prod', 90],
  ] as const)('every %s log group has a retention of %i days', (stage, days) => {
    const groups = ofType(stage === 'dev' ? dev : prod, 'AWS::Logs::LogGroup');
    // One per function, the API's access and execution logs, the WAF's, the user pool's, the probe's
    // and the console's and the portal's uploads (infra/constructs/console.ts, portal.ts).
    expect(groups.length).toBe(functionsOf().length + 7);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(days);
  });

  it('alarms mail the operators through an encrypted topic', () => {
    dev.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    dev.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'it-betrieb-dev@example.de' });
  });

  it('an IntegrityError of a decrypting function raises an alarm at the first occurrence', () => {
    for (const handler of ['getCase', 'updateCase']) {
      dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'EgovForms/kreis-bergstrasse-dev',
        MetricName: 'IntegrityError',
        Dimensions: [{ Name: 'service', Value: `egov-forms-${handler}` }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.anyValue() }],
      });
    }
  });

  it('every function has an errors and a throttles alarm, every table a throttling alarm', () => {
    const alarms = ofType(dev, 'AWS::CloudWatch::Alarm');
    expect(alarms.filter((a) => a.Properties.MetricName === 'Errors')).toHaveLength(functionsOf().length);
    // Throttles: one alarm on the account's metric (one administration per account), not one per
    // function: a stack holds at most 500 resources.
    const throttles = alarms.filter((a) => a.Properties.MetricName === 'Throttles');
    expect(throttles).toHaveLength(1);
    expect(throttles[0]!.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1 });
    expect(throttles[0]!.Properties.Dimensions).toBeUndefined();
    const throttling = alarms.filter((a) => JSON.stringify(a.Properties.Metrics ?? []).includes('ThrottleEvents'));
    expect(throttling).toHaveLength(TABLE_NEEDS.length);
  });
});
