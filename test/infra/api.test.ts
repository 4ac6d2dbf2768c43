import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { routes } from '../../functions/functions.ts';
import { INTEGRATION_FAILED_TITLE, problemTitle } from '../../functions/lib/http/problem.ts';
import { BODY_RULES_COUNTED } from '../../infra/constructs/firewall.ts';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let dev: Synthesized;
let resources: Record<string, Resource>;
beforeAll(() => {
  dev = synthStage('dev');
  resources = dev.template.toJSON().Resources as Record<string, Resource>;
});

/** The full path of every AWS::ApiGateway::Resource, by logical id. */
function resourcePaths(): Map<string, string> {
  const paths = new Map<string, string>();
  const resolve = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const r = resources[id];
    if (!r) throw new Error(`no resource ${id}`);
    const parent = r.Properties.ParentId as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    const parentPath = parent.Ref ? resolve(parent.Ref) : '';
    const path = `${parentPath}/${String(r.Properties.PathPart)}`;
    paths.set(id, path);
    return path;
  };
  for (const [id, r] of Object.entries(resources)) if (r.Type === 'AWS::ApiGateway::Resource') resolve(id);
  return paths;
}

/** Route key (`GET /cases/{caseId}`) → method properties, for every non-OPTIONS method. */
function methodsByRoute(): Map<string, Record<string, unknown>> {
  const paths = resourcePaths();
  const methods = new Map<string, Record<string, unknown>>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::ApiGateway::Method' || r.Properties.HttpMethod === 'OPTIONS') continue;
    const resourceId = r.Properties.ResourceId as { Ref?: string };
    const path = resourceId.Ref ? (paths.get(resourceId.Ref) ?? '?') : '/';
    methods.set(`${String(r.Properties.HttpMethod)} ${path}`, r.Properties);
  }
  return methods;
}

describe('REST API', () => {
  it('has exactly one method per route of the route table', () => {
    expect([...methodsByRoute().keys()].sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('every clerk method has the Cognito authorizer and no public method has one', () => {
    const authorizerId = dev.stack.getLogicalId(dev.stack.api.authorizer.node.defaultChild as never);
    const methods = methodsByRoute();
    for (const route of routes) {
      const method = methods.get(`${route.method} ${route.path}`);
      if (route.access === 'clerk') {
        expect(method).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } });
      } else {
        expect(method).toMatchObject({ AuthorizationType: 'NONE' });
        expect(method?.AuthorizerId).toBeUndefined();
      }
    }
  });

  it('the authorizer validates tokens of the clerks user pool without scopes (ID token)', () => {
    dev.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [dev.stack.getLogicalId(dev.stack.clerks.userPool.node.defaultChild as never), 'Arn'] }],
    });
    for (const method of methodsByRoute().values()) expect(method.AuthorizationScopes).toBeUndefined();
  });

  it('every method is a Lambda proxy integration', () => {
    for (const method of methodsByRoute().values()) {
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    }
  });

  it('the WAF web ACL is associated with the stage', () => {
    const stageId = dev.stack.getLogicalId(dev.stack.api.restApi.deploymentStage.node.defaultChild as never);
    const webAcl = Object.entries(resources).find(([, r]) => r.Type === 'AWS::WAFv2::WebACL' && r.Properties.Name === 'egov-forms-kreis-bergstrasse-dev');
    expect(webAcl).toBeDefined();
    dev.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [webAcl?.[0], 'Arn'] },
      ResourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: stageId }])] },
    });
  });

  it('the web ACL runs the managed rule groups and rate limits per IP, per token and on submissions, counting the body rules', () => {
    dev.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Name: 'egov-forms-kreis-bergstrasse-dev',
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } }),
        Match.objectLike({ Name: 'RateLimitSubmissionsPerIp', Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: 100 }) } }),
        Match.objectLike({ Name: 'RateLimitClerksPerToken', Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'CUSTOM_KEYS', Limit: 1000 }) } }),
        Match.objectLike({ Name: 'RateLimitPerClientIp', Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: 1000 }) } }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [...BODY_RULES_COUNTED].map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
            },
          },
        }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
      ]),
    });
  });

  it('the stage throttles, logs access as JSON and errors only, without data tracing', () => {
    dev.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('^\\{"requestId":"\\$context.requestId"') },
      MethodSettings: [
        Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'ERROR', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      ],
    });
  });

  it('the API is regional', () => {
    dev.template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  it.each([
    ['UNAUTHORIZED', '401', 'unauthorized'],
    ['THROTTLED', '429', 'rate-limited'],
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'not-found'],
    ['DEFAULT_4XX', '400', 'malformed-request'],
    ['DEFAULT_5XX', '503', 'unavailable'],
  ] as const)('API Gateway answers %s itself as a %s problem+json %s, titled in German (the default: its templates cannot read Accept-Language)', (type, status, slug) => {
    const title = slug === 'unavailable' ? INTEGRATION_FAILED_TITLE.de : problemTitle(slug, 'de');
    dev.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Content-Type': "'application/problem+json'" }),
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`"type":"urn:problem:${slug}","title":"${title}","status":${status},`) },
    });
  });

  it('CORS preflight allows exactly the configured origins', () => {
    const options = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod === 'OPTIONS');
    expect(options.length).toBeGreaterThan(0);
    for (const option of options) {
      const template = JSON.stringify(option.Properties.Integration);
      expect(template).toContain('https://formulare-dev.example.de');
      expect(template).not.toContain("'*'");
    }
  });

  it('outputs the API URL, user pool, client, tables and case key', () => {
    const outputs = Object.keys(dev.template.toJSON().Outputs as object);
    expect(outputs).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'CasesTableArn', 'IdempotencyTableArn', 'CaseKeyArn']),
    );
  });
});
