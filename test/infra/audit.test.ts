import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { functions, functionsOf } from '../../functions/functions.ts';
import { defaultStageName, loadStageConfig } from '../../infra/config.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';
import { has } from '#lib/runtime/needs.ts';
import { loadCheckedCatalogue } from '../../infra/formPatterns.ts';
import { FORMS_SOURCE_DIR } from '../../infra/forms.ts';
import { actionMatches, allIdentityStatements, resourceRefersTo, statementsOfRole, synthStage, type Resource, type Statement, type Synthesized } from './synth.ts';

// API.md, *Audit*: only the checkpoint worker signs with the audit key; no role can delete or
// overwrite a checkpoint; the bucket locks them in compliance mode for at least a case's life.

let dev: Synthesized;
beforeAll(() => {
  dev = synthStage('dev');
});
afterAll(removeTempDirs);

const logicalId = (construct: { node: { defaultChild?: unknown } }): string => dev.stack.getLogicalId(construct.node.defaultChild as CfnResource);
const resources = () => dev.template.toJSON().Resources as Record<string, Resource>;
const signers = functionsOf().filter(({ needs }) => has(needs, 'auditCheckpoints')).map(({ name }) => name);
const roleOf = (name: string) => logicalId(dev.stack.functions.byName(name).role);
/**
 * Every role whose policies the stack writes. Roles with AWS-managed policies only (API Gateway's
 * CloudWatch role) cannot name this stack's key or bucket.
 */
const ownRoles = () =>
  Object.entries(resources())
    .filter(([, r]) => r.Type === 'AWS::IAM::Role' && !r.Properties.ManagedPolicyArns)
    .map(([id]) => id);
const allowsOn = (statements: Statement[], action: string, resourceId: string) =>
  statements.some((s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, action)) && resourceRefersTo(s, resourceId));

describe('the audit key', () => {
  it('is an ECC_NIST_P256 signing key that the stack keeps once created (RetainExceptOnCreate)', () => {
    const key = resources()[logicalId(dev.stack.audit.key)]!;
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  it('is usable for kms:Sign by exactly one role, the checkpoint worker\'s, in IAM', () => {
    expect(signers).toEqual(['checkpoint']);
    const key = logicalId(dev.stack.audit.key);
    const roles = ownRoles();
    const signing = roles.filter((role) => allowsOn(statementsOfRole(dev.template, role), 'kms:Sign', key));
    expect(signing).toEqual([roleOf('checkpoint')]);
  });

  it('denies kms:Sign in its key policy to every principal but the checkpoint worker\'s role', () => {
    const policy = resources()[logicalId(dev.stack.audit.key)]!.Properties.KeyPolicy as { Statement: Record<string, any>[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const deny = policy.Statement.find((s) => s.Sid === 'DenySigningToAllButTheCheckpointWorker');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Sign' });
    expect(deny?.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [roleOf('checkpoint'), 'Arn'] }] } });
  });
});

describe('the checkpoint bucket', () => {
  const bucket = () => resources()[logicalId(dev.stack.audit.bucket)]!;

  it('locks every checkpoint in compliance mode for at least the longest case retention', () => {
    const longest = Math.max(...loadCheckedCatalogue(FORMS_SOURCE_DIR).all().map((form) => form.retentionDays));
    expect(bucket().Properties).toMatchObject({ ObjectLockEnabled: true, VersioningConfiguration: { Status: 'Enabled' } });
    const retention = (bucket().Properties.ObjectLockConfiguration as { Rule: { DefaultRetention: { Mode: string; Days: number } } }).Rule.DefaultRetention;
    expect(retention.Mode).toBe('COMPLIANCE');
    expect(retention.Days).toBeGreaterThanOrEqual(longest);
    // Kept on update and deletion; only a rolled-back first create removes it (issue 25, point 2).
    expect(bucket().DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  it('no role may delete a checkpoint or change its lock, and only the checkpoint worker may write one', () => {
    const id = logicalId(dev.stack.audit.bucket);
    const statements = allIdentityStatements(dev.template);
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration']) {
      expect([action, allowsOn(statements, action, id)]).toEqual([action, false]);
    }
    const roles = ownRoles();
    expect(roles.filter((role) => allowsOn(statementsOfRole(dev.template, role), 's3:PutObject', id))).toEqual([roleOf('checkpoint')]);
  });

  it('denies deleting and overwriting to every principal in its bucket policy (create-only writes with If-None-Match)', () => {
    const policy = Object.values(resources()).find((r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties.Bucket).includes(logicalId(dev.stack.audit.bucket)))!;
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement; // eslint-disable-line @typescript-eslint/no-explicit-any
    const deletes = statements.find((s) => s.Sid === 'DenyDeletingCheckpoints');
    expect(deletes).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(deletes?.Action).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:BypassGovernanceRetention']));
    const overwrites = statements.find((s) => s.Sid === 'DenyOverwritingCheckpoints');
    expect(overwrites).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Condition: { Null: { 's3:if-none-match': 'true' } } });
  });

  it('the checkpoint worker reads events through the time index only, never the table itself', () => {
    const statements = statementsOfRole(dev.template, roleOf('checkpoint'));
    const events = logicalId(dev.stack.data.events);
    const onEvents = statements.filter((s) => s.Effect === 'Allow' && resourceRefersTo(s, events) && s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(onEvents.flatMap((s) => s.Action)).toEqual(['dynamodb:Query']);
    expect(JSON.stringify(onEvents[0]?.Resource)).toContain('/index/byHour');
  });
});

describe('the checkpoint schedule (stage setting audit.checkpointIntervalMinutes)', () => {
  /** The checkpoint worker's rule and the interval its settings (AUDIT_CHECKPOINTS) tell it. */
  const scheduleOf = (synthesized: Synthesized) => {
    const deployed = synthesized.stack.functions.byName('checkpoint');
    const alias = synthesized.stack.getLogicalId(synthesized.stack.releases.aliasOf(deployed).node.defaultChild as CfnResource);
    const rules = synthesized.template.findResources('AWS::Events::Rule', { Properties: { Targets: [Match.objectLike({ Arn: { Ref: alias } })] } });
    const fn = synthesized.template.toJSON().Resources[synthesized.stack.getLogicalId(deployed.fn.node.defaultChild as CfnResource)] as Resource;
    const setting = (fn.Properties.Environment as { Variables: { AUDIT_CHECKPOINTS: { 'Fn::Join': [string, unknown[]] } } }).Variables.AUDIT_CHECKPOINTS;
    // The settings are JSON with the table, bucket and key as references: only the interval is read here.
    const text = setting['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'ref')).join('');
    return { expressions: Object.values(rules).map((rule) => rule.Properties.ScheduleExpression), intervalMinutes: (JSON.parse(text) as { intervalMinutes: number }).intervalMinutes };
  };

  it('runs the checkpoint worker every 5 minutes by default and aligns its checkpoints to that', () => {
    expect(scheduleOf(dev)).toEqual({ expressions: ['rate(5 minutes)'], intervalMinutes: 5 });
  });

  it('follows the stage file: another interval gets its own schedule and the worker the same interval', () => {
    const file = join(tempDir('egov-stages-'), 'stadt-beispiel-dev.json');
    const values = JSON.parse(JSON.stringify(loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined)))) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...values, audit: { checkpointIntervalMinutes: 15 }, name: undefined, file: undefined }));
    const other = synthStage('dev', {
      context: { stageFile: file },
      functionTable: { getForm: functions.getForm, listCases: functions.listCases, checkpoint: functions.checkpoint },
    });
    expect(scheduleOf(other)).toEqual({ expressions: ['rate(15 minutes)'], intervalMinutes: 15 });
  });
});
