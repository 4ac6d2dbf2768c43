import { beforeAll, describe, expect, it } from '@jest/globals';
import { CASE_KEY_CRYPTO, CASE_KEY_DESTRUCTION } from '../../infra/constructs/keys.ts';
import { KEY_STATE_CHANGES, KEY_USES } from '../../infra/constructs/keyWatch.ts';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let prod: Synthesized;
let resources: Record<string, Resource>;
beforeAll(() => {
  prod = synthStage('prod');
  resources = prod.template.toJSON().Resources as Record<string, Resource>;
});
const idOf = (construct: { node: { defaultChild?: unknown } }) => prod.stack.getLogicalId(construct.node.defaultChild as never);
interface KeyStatement {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
const caseKeyPolicy = (): KeyStatement[] =>
  (resources[idOf(prod.stack.keys.caseKey)]?.Properties.KeyPolicy as { Statement: KeyStatement[] }).Statement;
const bySid = (sid: string) => caseKeyPolicy().find((statement) => statement.Sid === sid);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe('the case key obeys its own policy (issue 12, point 8)', () => {
  it('denies its material to everyone but the roles whose route needs it and the break-glass role', () => {
    const deny = bySid('DenyCaseKeyMaterialToAllButNamedRoles');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(asArray(deny?.Action).sort()).toEqual([...CASE_KEY_CRYPTO].sort());
    const allowed = JSON.stringify(deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn']);
    // The case key also wraps attachment metadata (file names) and messages, each with its own context.
    const usesKey = ({ needs }: { needs: { caseKey?: readonly unknown[]; attachmentKey?: readonly unknown[]; messageKey?: readonly unknown[] } }) =>
      Boolean(needs.caseKey?.length) || Boolean(needs.attachmentKey?.length) || Boolean(needs.messageKey?.length);
    const users = prod.stack.functions.all.filter(usesKey);
    const others = prod.stack.functions.all.filter((fn) => !usesKey(fn));
    expect(users.length).toBeGreaterThan(0);
    for (const { role } of users) expect(allowed).toContain(`"${idOf(role)}"`);
    for (const { role } of others) expect(allowed).not.toContain(`"${idOf(role)}"`);
    expect(allowed).toContain(`"${idOf(prod.stack.keys.breakGlassRole)}"`);
    expect(asArray(deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn'])).toHaveLength(users.length + 1);
  });

  it('denies Encrypt to everyone: a data key of one’s choosing wrapped by the case key would forge an envelope', () => {
    expect(bySid('DenyEncryptToEveryone')).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Encrypt' });
    expect(bySid('DenyEncryptToEveryone')?.Condition).toBeUndefined();
  });

  it('lets only the CDK deployment role disable the key or schedule its deletion', () => {
    const deny = bySid('DenyDisableOrDeletionToAllButDeploymentRole');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(asArray(deny?.Action).sort()).toEqual([...CASE_KEY_DESTRUCTION].sort());
    expect(deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn']).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-eu-central-1',
    });
  });

  it('the break-glass role is named, needs MFA, lasts one hour and holds no permission of its own', () => {
    const roleId = idOf(prod.stack.keys.breakGlassRole);
    expect(resources[roleId]?.Properties).toMatchObject({
      RoleName: 'egov-forms-kreis-bergstrasse-prod-case-key-break-glass',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: { Statement: [expect.objectContaining({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] },
    });
    expect(resources[roleId]?.Properties.Policies).toBeUndefined();
    const attached = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`));
    expect(attached).toEqual([]);
    expect((prod.template.toJSON().Outputs as Record<string, unknown>).BreakGlassRoleArn).toBeDefined();
  });
});

describe('alerts on the case key (issue 12, point 8)', () => {
  const rules = () => Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventPattern ?? {}).includes('aws.kms'));
  const topicTargets = (rule: Resource) => JSON.stringify(rule.Properties.Targets);

  it('mails every change of the case key’s state, policy or grants to the alarm topic', () => {
    const topic = idOf(prod.stack.alarms.topic);
    const state = rules().find((r) => JSON.stringify(r.Properties.EventPattern).includes('ScheduleKeyDeletion'));
    expect(state?.Properties.EventPattern).toMatchObject({
      source: ['aws.kms'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventName: [...KEY_STATE_CHANGES], resources: { ARN: [{ 'Fn::GetAtt': [idOf(prod.stack.keys.caseKey), 'Arn'] }] } },
    });
    expect(topicTargets(state as Resource)).toContain(`"${topic}"`);
  });

  it('mails any use of the case key by a principal other than the function roles that need it', () => {
    const use = rules().find((r) => JSON.stringify(r.Properties.EventPattern).includes('"Decrypt"'));
    const detail = (use?.Properties.EventPattern as { detail: Record<string, unknown> }).detail;
    expect(detail.eventName).toEqual([...KEY_USES]);
    // Decrypt and GenerateDataKey are read-only management events: received only in this state.
    expect(use?.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    const or = JSON.stringify(detail.$or);
    expect(or).toContain('{"userIdentity":{"type":[{"anything-but":"AssumedRole"}]}}');
    for (const { needs, role } of prod.stack.functions.all) {
      if (needs.caseKey?.length || needs.attachmentKey?.length || needs.messageKey?.length) expect(or).toContain(`"${idOf(role)}"`);
      else expect(or).not.toContain(`"${idOf(role)}"`);
    }
    expect(or).not.toContain(idOf(prod.stack.keys.breakGlassRole));
    expect(topicTargets(use as Resource)).toContain(`"${idOf(prod.stack.alarms.topic)}"`);
  });
});
