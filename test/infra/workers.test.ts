import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { functions, type FunctionTable } from '../../functions/functions.ts';
import { type Synthesized, statementsOfRole, synthStage } from './synth.ts';

/**
 * Workers come from the function table exactly as routes do: one entry, and the stack derives the
 * function, its trigger, its grants and its environment. A table with one worker of each kind is
 * handed in (their folders are existing handlers: only the wiring is tested).
 */
const table: FunctionTable = {
  getForm: functions.getForm,
  listCases: functions.listCases,
  listEvents: { trigger: { kind: 'stream', table: 'events', batchSize: 5 }, needs: { events: ['dynamodb:Query'] } },
  openapi: { trigger: { kind: 'schedule', expression: 'rate(1 hour)' }, needs: {} },
  listForms: { trigger: { kind: 'rule', source: 'aws.guardduty', detailType: 'GuardDuty Malware Protection Object Scan Result' }, needs: {} },
  getCase: { trigger: { kind: 'queue', queue: 'deliveries', batchSize: 4 }, needs: { deliveries: ['sqs:ChangeMessageVisibility'] } },
};

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthStage('dev', { functionTable: table });
});

const logicalId = (name: string): string =>
  synthesized.stack.getLogicalId(synthesized.stack.functions.byName(name).fn.node.defaultChild as never);
/** A worker's trigger invokes its live alias (issue 25, point 6): a canary shifts it with the alias. */
const aliasId = (name: string): string =>
  synthesized.stack.getLogicalId(synthesized.stack.releases.aliasOf(synthesized.stack.functions.byName(name)).node.defaultChild as never);
const mappedAlias = (name: string) => ({ 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: aliasId(name) }] }] }, ':live']] });

describe('workers from the function table', () => {
  it('a stream worker is fed by the stream of its table, which then has one (new images only)', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: mappedAlias('listEvents'),
      BatchSize: 5,
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: Match.arrayWith([Match.objectLike({ AttributeName: 'eventId' })]),
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('a table no worker streams has no stream', () => {
    const tables = synthesized.template.findResources('AWS::DynamoDB::Table');
    const streamed = Object.values(tables).filter((table) => (table as { Properties: Record<string, unknown> }).Properties.StreamSpecification);
    expect(streamed).toHaveLength(1);
  });

  it('a scheduled worker runs on its schedule, a rule worker on its event pattern', () => {
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { Ref: aliasId('openapi') } })],
    });
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Malware Protection Object Scan Result'] },
      Targets: [Match.objectLike({ Arn: { Ref: aliasId('listForms') } })],
    });
  });

  it('a queue worker is fed by its queue with partial batch failures, may consume that queue only, and learns its URL', () => {
    const queues = synthesized.template.findResources('AWS::SQS::Queue');
    const deliveries = Object.entries(queues).find(([, queue]) => (queue as { Properties: { RedrivePolicy?: unknown } }).Properties.RedrivePolicy && JSON.stringify(queue).includes('Deliveries'));
    expect(deliveries).toBeDefined();
    const queueId = deliveries?.[0] ?? '';
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: mappedAlias('getCase'),
      BatchSize: 4,
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const role = synthesized.stack.getLogicalId(synthesized.stack.functions.byName('getCase').role.node.defaultChild as never);
    const statements = statementsOfRole(synthesized.template, role);
    const sqsStatements = statements.filter((statement) => statement.Action.some((action) => action.startsWith('sqs:')));
    for (const statement of sqsStatements) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(sqsStatements.flatMap((statement) => statement.Action)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(sqsStatements.flatMap((statement) => statement.Action)).not.toContain('sqs:SendMessage');
    const variables = synthesized.template.toJSON().Resources[logicalId('getCase')].Properties.Environment.Variables as Record<string, unknown>;
    expect(variables.DELIVERIES_QUEUE_URL).toEqual({ Ref: queueId });
    expect(variables.CONFIRMATIONS_QUEUE_URL).toBeUndefined();
  });

  it('workers get no API method and no CORS setting; the routes keep theirs', () => {
    const methods = Object.values(synthesized.template.findResources('AWS::ApiGateway::Method')).filter(
      (method) => (method as { Properties: { HttpMethod: string } }).Properties.HttpMethod !== 'OPTIONS',
    );
    expect(methods).toHaveLength(2);
    const variables = (name: string) =>
      (synthesized.template.toJSON().Resources[logicalId(name)].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables('listEvents').CORS_ALLOWED_ORIGINS).toBeUndefined();
    expect(variables('listEvents').EVENTS_TABLE).toBeDefined();
    expect(variables('getForm').CORS_ALLOWED_ORIGINS).toBeDefined();
  });

  it("a stream worker's role may read its stream and nothing it does not need", () => {
    const role = synthesized.stack.getLogicalId(synthesized.stack.functions.byName('listEvents').role.node.defaultChild as never);
    const actions = statementsOfRole(synthesized.template, role).flatMap((statement) => statement.Action);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query']));
    expect(actions.filter((action) => /Scan|Delete|Update|PutItem/.test(action))).toEqual([]);
  });
});
