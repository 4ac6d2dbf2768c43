import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { QUEUES } from '#lib/messaging/queues.ts';
import { functions } from '../../functions/functions.ts';
import { QUEUE_NEEDS } from '#lib/runtime/needs.ts';
import { type Resource, type Synthesized, statementsOfRole, synthStage } from './synth.ts';

/**
 * The queues that follow a receipt (functions/lib/messaging/queues.ts): encrypted, TLS only, each
 * with a dead-letter queue and an alarm on it; the dispatch worker on the events stream may send to
 * them and do nothing else.
 */
let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthStage('prod');
});

const resources = () => synthesized.template.toJSON().Resources as Record<string, Resource>;
const idOf = (construct: { node: { defaultChild?: unknown } }) => synthesized.stack.getLogicalId(construct.node.defaultChild as never);

describe.each(QUEUE_NEEDS)('the %s queue', (need) => {
  it('is encrypted at rest, has its settings, and moves a message to its dead-letter queue after maxReceiveCount receives', () => {
    const queue = resources()[idOf(synthesized.stack.queues.queues[need])];
    const deadLetters = idOf(synthesized.stack.queues.deadLetters[need]);
    expect(queue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: QUEUES[need].visibilityTimeoutSeconds,
      MessageRetentionPeriod: QUEUES[need].retentionDays * 86_400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: QUEUES[need].maxReceiveCount },
    });
    expect(resources()[deadLetters]?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
  });

  it('refuses every request that does not use TLS, the dead-letter queue too', () => {
    for (const queue of [synthesized.stack.queues.queues[need], synthesized.stack.queues.deadLetters[need]]) {
      synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: idOf(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('alarms the operators as soon as one message is in its dead-letter queue', () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(synthesized.stack.queues.deadLetters[need]), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: Match.anyValue() }],
    });
  });
});

describe('the dispatch worker', () => {
  it('is fed by the events stream, only with the new events it fans out, and may only send to the queues (no table access, no case key)', () => {
    const dispatch = synthesized.stack.functions.byName('dispatch');
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: Match.anyValue(),
      EventSourceArn: { 'Fn::GetAtt': [idOf(synthesized.stack.data.events), 'StreamArn'] },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: [...(functions.dispatch.trigger.only.typeIn ?? [])] } } } }) }] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const statements = statementsOfRole(synthesized.template, idOf(dispatch.role));
    const sends = statements.filter((statement) => statement.Action.includes('sqs:SendMessage'));
    expect(sends.map((statement) => statement.Resource)).toEqual(
      expect.arrayContaining(QUEUE_NEEDS.map((need) => ({ 'Fn::GetAtt': [idOf(synthesized.stack.queues.queues[need]), 'Arn'] }))),
    );
    const actions = statements.flatMap((statement) => statement.Action);
    expect(actions.filter((action) => /dynamodb:(Query|Scan|GetItem|PutItem|UpdateItem|DeleteItem)/.test(action))).toEqual([]);
    // Reading the stream of a table encrypted with the data key needs that key, and only that one.
    const keyUse = statements.filter((statement) => statement.Effect === 'Allow' && statement.Action.some((action) => action.startsWith('kms:')));
    for (const statement of keyUse) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [idOf(synthesized.stack.keys.dataKey), 'Arn'] });
    expect(keyUse.flatMap((statement) => statement.Action).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
  });
});
