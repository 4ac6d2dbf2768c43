import { beforeAll, describe, expect, it } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { REDACTED_HEADERS } from '../../infra/constructs/firewall.ts';
import { actionMatches, resourceRefersTo, statementsOfRole, synthStage, type Resource, type Synthesized } from './synth.ts';

// Citizens' status route (issue 16): its own WAF rule, the token kept out of WAF logs, and a role
// that can read a reference and a case summary and the HMAC secret, nothing else.
let prod: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
});

const logicalId = (s: Synthesized, construct: { node: { defaultChild?: unknown } }): string =>
  s.stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnResource);

describe('status route in AWS', () => {
  it('has a rate rule of its own: every request to /status/ (status, messages, replies, their files) per client IP, at the stage\'s limit, answered with the rate-limited problem', () => {
    const acl = Object.values(prod.template.toJSON().Resources as Record<string, Resource>).find(
      (r) => r.Type === 'AWS::WAFv2::WebACL' && r.Properties.Name === 'egov-forms-kreis-bergstrasse-prod',
    );
    const rules = acl?.Properties.Rules as { Name: string; Priority: number; Action: unknown; Statement: { RateBasedStatement: Record<string, unknown> } }[];
    const rule = rules.find((r) => r.Name === 'RateLimitStatusPerIp');
    expect(rule?.Statement.RateBasedStatement).toMatchObject({ Limit: 60, AggregateKeyType: 'IP' });
    const scope = JSON.stringify(rule?.Statement.RateBasedStatement.ScopeDownStatement);
    // Replies and their tickets are POSTs: the rule counts every method.
    expect(scope).not.toContain('"SearchString":"GET"');
    expect(scope).toContain('"SearchString":"/status/"');
    expect(rule?.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rateLimited' } } });
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
  });

  it('redacts the Status-Token header from WAF logs', () => {
    expect(REDACTED_HEADERS).toContain('status-token');
    const configs = Object.values(prod.template.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === 'AWS::WAFv2::LoggingConfiguration');
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs) expect(config.Properties.RedactedFields).toContainEqual({ SingleHeader: { Name: 'status-token' } });
  });

  it('gives the status function GetItem on the cases table, Query on the events table (the status changes) and the HMAC secret, and no key, no write', () => {
    const role = logicalId(prod, prod.stack.functions.byName('getStatus').role as never);
    const statements = statementsOfRole(prod.template, role).filter((s) => s.Effect === 'Allow');
    const actions = [...new Set(statements.flatMap((s) => s.Action))].sort();
    expect(actions).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const cases = logicalId(prod, prod.stack.data.cases as never);
    expect(statements.some((s) => s.Action.includes('dynamodb:GetItem') && resourceRefersTo(s, cases))).toBe(true);
    const dynamodb = statements.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    const events = logicalId(prod, prod.stack.data.events as never);
    // The events table: read only (its history), never a write.
    expect(dynamodb.filter((s) => resourceRefersTo(s, events)).flatMap((s) => s.Action)).toEqual(['dynamodb:Query']);
    expect(dynamodb.filter((s) => !resourceRefersTo(s, events)).flatMap((s) => s.Action)).toEqual(['dynamodb:GetItem']);
    // kms:Decrypt only of the at-rest key, only through DynamoDB and Secrets Manager: never the case key.
    const caseKey = logicalId(prod, prod.stack.keys.caseKey as never);
    expect(statements.some((s) => s.Action.some((a) => actionMatches(a, 'kms:Decrypt')) && resourceRefersTo(s, caseKey))).toBe(false);
    for (const s of statements.filter((s) => s.Action.includes('kms:Decrypt'))) expect(JSON.stringify(s.Condition)).toContain('kms:ViaService');
  });
});
