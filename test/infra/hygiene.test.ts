import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let prod: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
});
const resources = () => Object.entries(prod.template.toJSON().Resources as Record<string, Resource>);
const idOf = (construct: { node: { defaultChild?: unknown } }) => prod.stack.getLogicalId(construct.node.defaultChild as never);

/** A resource's tags as a map, whichever of CloudFormation's shapes its type uses. */
function tagsOf(resource: Resource): Record<string, string> | undefined {
  const p = resource.Properties;
  const tags = p.Tags ?? p.UserPoolTags ?? p.BackupVaultTags ?? p.BackupPlanTags;
  if (tags === undefined) return undefined;
  if (Array.isArray(tags)) return Object.fromEntries((tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
  return tags as Record<string, string>;
}

describe('hygiene (issue 18, point 10)', () => {
  const expected = { owner: 'it-betrieb@landkreis.example', 'protection-level': 'hoch', 'cost-centre': '4711', stage: 'prod', application: 'egov-forms' };

  it('every resource that carries tags carries owner, protection level and cost centre', () => {
    const tagged = resources().filter(([, r]) => tagsOf(r) !== undefined);
    expect(tagged.length).toBeGreaterThan(40);
    for (const [id, r] of tagged) expect({ id, tags: tagsOf(r) }).toEqual({ id, tags: expect.objectContaining(expected) });
  });

  it.each([
    'AWS::DynamoDB::Table',
    'AWS::KMS::Key',
    'AWS::Lambda::Function',
    'AWS::Logs::LogGroup',
    'AWS::IAM::Role',
    'AWS::SNS::Topic',
    'AWS::Cognito::UserPool',
    'AWS::WAFv2::WebACL',
    'AWS::ApiGateway::RestApi',
    'AWS::Backup::BackupVault',
  ])('every %s is tagged', (type) => {
    const ofType = resources().filter(([, r]) => r.Type === type);
    expect(ofType.length).toBeGreaterThan(0);
    for (const [, r] of ofType) expect(tagsOf(r)).toEqual(expect.objectContaining(expected));
  });

  it('every log group is encrypted with the at-rest key', () => {
    const groups = resources().filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(8);
    for (const [, group] of groups) expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [idOf(prod.stack.keys.dataKey), 'Arn'] });
  });

  it('the at-rest key lets CloudWatch Logs use it for this account’s log groups only', () => {
    prod.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Principal: { Service: 'logs.eu-central-1.amazonaws.com' },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});
