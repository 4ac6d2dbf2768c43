import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { REDACTED_HEADERS } from '../../infra/constructs/firewall.ts';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let prod: Synthesized;
let dev: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
  dev = synthStage('dev');
});
const ofType = (s: Synthesized, type: string) =>
  Object.entries(s.template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);
const idOf = (s: Synthesized, construct: { node: { defaultChild?: unknown } }) => s.stack.getLogicalId(construct.node.defaultChild as never);

/** Every VisibilityConfig anywhere in a web ACL (the ACL's own and each rule's). */
function visibilityConfigs(acl: Resource): { SampledRequestsEnabled: boolean }[] {
  const rules = (acl.Properties.Rules as { VisibilityConfig: { SampledRequestsEnabled: boolean } }[]).map((rule) => rule.VisibilityConfig);
  return [acl.Properties.VisibilityConfig as { SampledRequestsEnabled: boolean }, ...rules];
}

describe('WAF (issue 12, point 9; issue 18, points 2 and 3)', () => {
  it('keeps no sampled requests in any web ACL, rule by rule: they would hold clerks’ bearer tokens', () => {
    const acls = ofType(prod, 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(2);
    for (const [, acl] of acls) for (const config of visibilityConfigs(acl)) expect(config.SampledRequestsEnabled).toBe(false);
  });

  it('logs both web ACLs to an encrypted aws-waf-logs- group with Authorization and Idempotency-Key redacted', () => {
    const [[groupId, group] = []] = ofType(prod, 'AWS::Logs::LogGroup').filter(([, g]) => String(g.Properties.LogGroupName).startsWith('aws-waf-logs-'));
    expect(groupId).toBeDefined();
    expect(group?.Properties).toMatchObject({ LogGroupName: 'aws-waf-logs-egov-forms-kreis-bergstrasse-prod', KmsKeyId: { 'Fn::GetAtt': [idOf(prod, prod.stack.keys.dataKey), 'Arn'] } });
    const logging = ofType(prod, 'AWS::WAFv2::LoggingConfiguration');
    expect(logging.map(([, l]) => JSON.stringify(l.Properties.ResourceArn)).sort()).toEqual(
      ofType(prod, 'AWS::WAFv2::WebACL').map(([id]) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })).sort(),
    );
    for (const [, config] of logging) {
      expect(config.Properties.RedactedFields).toEqual(REDACTED_HEADERS.map((name) => ({ SingleHeader: { Name: name } })));
      expect(JSON.stringify(config.Properties.LogDestinationConfigs)).toContain(`":log-group:",{"Ref":"${groupId}"}`);
      expect(JSON.stringify(config.Properties.LogDestinationConfigs)).not.toContain(':*');
    }
    expect([...REDACTED_HEADERS]).toEqual(['authorization', 'cookie', 'idempotency-key', 'status-token']);
  });

  it('limits submissions per IP tightly, clerk routes per bearer token, and exempts preflights and the district egress from the per-IP limit', () => {
    const [, acl] = ofType(prod, 'AWS::WAFv2::WebACL').find(([, a]) => a.Properties.Name === 'egov-forms-kreis-bergstrasse-prod') ?? [];
    const rule = (name: string) => (acl?.Properties.Rules as { Name: string; Statement: { RateBasedStatement: Record<string, unknown> } }[]).find((r) => r.Name === name);
    const submissions = rule('RateLimitSubmissionsPerIp')?.Statement.RateBasedStatement;
    expect(submissions).toMatchObject({ Limit: 50, AggregateKeyType: 'IP' });
    expect(JSON.stringify(submissions?.ScopeDownStatement)).toMatch(/"SearchString":"POST".*"SearchString":"\/submissions"/);
    const clerks = rule('RateLimitClerksPerToken')?.Statement.RateBasedStatement;
    expect(clerks).toMatchObject({ Limit: 1500, AggregateKeyType: 'CUSTOM_KEYS', CustomKeys: [{ Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }] });
    const perIp = rule('RateLimitPerClientIp')?.Statement.RateBasedStatement;
    expect(perIp).toMatchObject({ Limit: 3000, AggregateKeyType: 'IP' });
    const scope = JSON.stringify(perIp?.ScopeDownStatement);
    expect(scope).toContain('"SearchString":"OPTIONS"');
    expect(scope).toContain(ofType(prod, 'AWS::WAFv2::IPSet')[0]?.[0]);
    prod.template.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['198.51.100.0/28'], IPAddressVersion: 'IPV4' });
  });

  it('protects the user pool with a web ACL of its own (reputation list, sign-ins per IP)', () => {
    const [[aclId] = []] = ofType(prod, 'AWS::WAFv2::WebACL').filter(([, a]) => a.Properties.Name === 'egov-forms-kreis-bergstrasse-prod-clerk-sign-in');
    prod.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      ResourceArn: { 'Fn::GetAtt': [idOf(prod, prod.stack.clerks.userPool), 'Arn'] },
    });
    prod.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Name: 'egov-forms-kreis-bergstrasse-prod-clerk-sign-in',
      Rules: Match.arrayWith([Match.objectLike({ Name: 'RateLimitSignInsPerIp', Statement: { RateBasedStatement: { Limit: 300, AggregateKeyType: 'IP' } } })]),
    });
  });
});

describe('entry point (issue 18, point 5; issue 13, custom domain)', () => {
  it('with a custom domain: regional, TLS 1.2+ with forward secrecy only (strict), mapped to the stage, with outputs', () => {
    prod.template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.formulare.landkreis.example',
      RegionalCertificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09',
      EndpointAccessMode: 'STRICT',
    });
    prod.template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { RestApiId: { Ref: idOf(prod, prod.stack.api.restApi) } });
    const outputs = prod.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ApiDomainUrl?.Value).toBe('https://api.formulare.landkreis.example/');
    expect(outputs.ApiUrl?.Value).toBe('https://api.formulare.landkreis.example/');
    expect(outputs.ApiDomainTarget).toBeDefined();
  });

  it('with a custom domain the execute-api endpoint is disabled; without one (dev) it stays and no domain exists', () => {
    prod.template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    dev.template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: false });
    dev.template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
  });

  it.each([
    ['UNAUTHORIZED', '401'],
    ['ACCESS_DENIED', '403'],
    ['WAF_FILTERED', '403'],
    ['THROTTLED', '429'],
    ['DEFAULT_4XX', '400'],
    ['DEFAULT_5XX', '503'],
  ])('API Gateway’s own %s answer (%s) carries CORS for the portal, HSTS and nosniff', (type, status) => {
    prod.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://formulare.landkreis.example'",
        'gatewayresponse.header.Vary': "'Origin'",
        'gatewayresponse.header.Strict-Transport-Security': "'max-age=31536000; includeSubDomains'",
        'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
      }),
    });
  });

  it('CORS preflights (a mock integration) carry HSTS and nosniff too', () => {
    const preflights = ofType(prod, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(3);
    for (const [, method] of preflights) {
      const integration = method.Properties.Integration as { IntegrationResponses: { ResponseParameters: Record<string, unknown> }[] };
      expect(integration.IntegrationResponses[0]?.ResponseParameters).toMatchObject({
        'method.response.header.Strict-Transport-Security': "'max-age=31536000; includeSubDomains'",
        'method.response.header.X-Content-Type-Options': "'nosniff'",
        'method.response.header.Access-Control-Allow-Origin': "'https://formulare.landkreis.example'",
      });
      const responses = method.Properties.MethodResponses as { ResponseParameters: Record<string, unknown> }[];
      expect(responses[0]?.ResponseParameters).toMatchObject({
        'method.response.header.Strict-Transport-Security': true,
        'method.response.header.X-Content-Type-Options': true,
      });
    }
  });

  it('with several origins (dev) the gateway’s own answers allow any origin to read them, never with credentials', () => {
    for (const [, response] of ofType(dev, 'AWS::ApiGateway::GatewayResponse')) {
      const headers = response.Properties.ResponseParameters as Record<string, string>;
      expect(headers['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'*'");
      expect(headers['gatewayresponse.header.Access-Control-Allow-Credentials']).toBeUndefined();
    }
  });
});

describe('the clerk authorizer (issue 12, point 14)', () => {
  it('admits only ID tokens issued to the clerks’ app client: the validation expression is matched against aud', () => {
    prod.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentityValidationExpression: { 'Fn::Join': ['', ['^', { Ref: idOf(prod, prod.stack.clerks.client) }, '$']] },
    });
    // One app client: `aud` pinned to it means pinned to the clerks' front end.
    prod.template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
  });
});

describe('audit logging of the API (issue 18, point 3)', () => {
  it('creates the execution log group API Gateway writes to, with retention and encryption, before the stage', () => {
    const restApi = idOf(prod, prod.stack.api.restApi);
    const [[groupId, group] = []] = ofType(prod, 'AWS::Logs::LogGroup').filter(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'));
    expect(group?.Properties).toMatchObject({
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApi }, '/prod']] },
      RetentionInDays: 90,
      KmsKeyId: { 'Fn::GetAtt': [idOf(prod, prod.stack.keys.dataKey), 'Arn'] },
    });
    const [, stage] = ofType(prod, 'AWS::ApiGateway::Stage')[0] ?? [];
    expect(JSON.stringify((stage as unknown as { DependsOn?: string[] }).DependsOn)).toContain(groupId);
  });
});
