import { beforeAll, describe, expect, it } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { CONFIRMATION_WRITABLE_ATTRIBUTES } from '../../infra/constructs/grants.ts';
import { actionMatches, allIdentityStatements, resourceRefersTo, statementsOfRole, synthStage, type Resource, type Synthesized } from './synth.ts';

// Citizens' confirmation mails in AWS (issue 16): the stage's sender identity, a configuration set,
// bounces and complaints to an encrypted topic, and ses:SendEmail for the confirmation worker only,
// on that identity and configuration set only.
let prod: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
});

const resources = () => prod.template.toJSON().Resources as Record<string, Resource>;
const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  prod.stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnResource);

describe('confirmation mail in AWS', () => {
  it('creates the stage\'s sender identity with the configuration set as its default', () => {
    const mail = prod.stack.mail;
    prod.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'formulare.landkreis-musterstadt.de',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: logicalId(mail.configurationSet) } },
    });
    prod.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'egov-forms-kreis-bergstrasse-prod-confirmations',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
  });

  it('sends bounces, complaints and rejects to an encrypted SNS topic, with an alarm on it', () => {
    const mail = prod.stack.mail;
    prod.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint', 'reject']),
        SnsDestination: { TopicARN: { Ref: logicalId(mail.feedbackTopic) } },
      }),
    });
    const topic = resources()[logicalId(mail.feedbackTopic)];
    expect(topic?.Properties.KmsMasterKeyId).toBeDefined();
    const alarms = Object.values(resources()).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties).includes(logicalId(mail.feedbackTopic)));
    expect(alarms).toHaveLength(1);
  });

  it('lets only the confirmation worker send, with ses:SendEmail on the identity and configuration set, from the stage\'s sender', () => {
    const senders = allIdentityStatements(prod.template).filter((s) => s.Effect === 'Allow' && s.Action.some((a) => a.startsWith('ses:')));
    expect(senders).toHaveLength(1);
    const [statement] = senders;
    expect(statement?.Action).toEqual(['ses:SendEmail']);
    const resource = JSON.stringify(statement?.Resource);
    expect(resource).toContain(logicalId(prod.stack.mail.identity));
    expect(resource).toContain(`":configuration-set/",{"Ref":"${logicalId(prod.stack.mail.configurationSet)}"}`);
    expect(resource).not.toContain('"*"');
    expect(statement?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'keine-antwort@formulare.landkreis-musterstadt.de' } });
    const worker = statementsOfRole(prod.template, logicalId(prod.stack.functions.byName('confirm').role as never));
    expect(worker.some((s) => s.Action.some((a) => actionMatches(a, 'ses:SendEmail')))).toBe(true);
  });

  it('lets the confirmation worker write nothing on a case but the claim on its mail (one mail for duplicated messages)', () => {
    const worker = statementsOfRole(prod.template, logicalId(prod.stack.functions.byName('confirm').role as never));
    const cases = logicalId(prod.stack.data.cases);
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:TransactWriteItems'].flatMap((action) =>
      worker.filter((s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, action)) && resourceRefersTo(s, cases)),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]!.Action).toEqual(['dynamodb:UpdateItem']);
    expect(writes[0]!.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'confirmation', 'confirmationClaim', 'confirmationLease'] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*'] },
    });
    expect([...CONFIRMATION_WRITABLE_ATTRIBUTES]).toEqual(['pk', 'sk', 'confirmation', 'confirmationClaim', 'confirmationLease']);
  });

  it('tells the worker its sender, configuration set and status page, and no other function', () => {
    const withMail = Object.entries(resources()).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Environment ?? {}).includes('CONFIRMATION_MAIL'),
    );
    expect(withMail.map(([id]) => id)).toEqual([logicalId(prod.stack.functions.byName('confirm').fn)]);
    const env = (withMail[0]?.[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env.CONFIRMATION_MAIL)).toContain('https://formulare.landkreis-musterstadt.de/status');
  });

  it('triggers the worker from the confirmations queue with partial batch failures', () => {
    prod.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [logicalId(prod.stack.queues.queues.confirmations), 'Arn'] },
    });
  });
});
