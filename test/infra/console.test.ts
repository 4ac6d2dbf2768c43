import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { CONSOLE_HSTS_SECONDS } from '../../infra/constructs/console.ts';
import { type Resource, type Synthesized, statementsOfRole, synthStage } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});
const resourcesOf = (synthesized: Synthesized, type: string): [string, Resource][] =>
  Object.entries(synthesized.template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);
const idOf = (synthesized: Synthesized, construct: unknown) => synthesized.stack.getLogicalId((construct as { node: { defaultChild: never } }).node.defaultChild);

describe('the clerk console in AWS (issue 17)', () => {
  it('keeps the site in a private, encrypted, TLS-only bucket that only the distribution reads (origin access control)', () => {
    const bucketId = idOf(prod, prod.stack.console.bucket);
    prod.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    prod.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const policy = resourcesOf(prod, 'AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties.Bucket).includes(bucketId))?.[1];
    const statements = (policy!.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const reads = statements.filter((s) => s.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(JSON.stringify(reads[0]!.Condition)).toContain('AWS:SourceArn');
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('answers with a strict CSP, HSTS, nosniff, no framing and no referrer', () => {
    const policy = resourcesOf(prod, 'AWS::CloudFront::ResponseHeadersPolicy')[0]?.[1];
    const headers = (policy!.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
    const csp = String(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // prod has a custom API domain: the console may call exactly it and the sign-in domain.
    expect(csp).toMatch(/connect-src 'self' https:\/\/[a-z0-9.-]+ https:\/\/egov-forms-prod-clerks\.auth\.eu-central-1\.amazoncognito\.com;/);
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: CONSOLE_HSTS_SECONDS, IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    prod.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
      }),
    });
  });

  it('outputs ConsoleUrl, the distribution’s https URL', () => {
    const output = prod.template.findOutputs('ConsoleUrl');
    expect(JSON.stringify(output)).toContain('DomainName');
    expect(JSON.stringify(output)).toContain('https://');
  });

  it('lets the app client sign in by authorization code only, with the console as the only callback', () => {
    const client = resourcesOf(prod, 'AWS::Cognito::UserPoolClient')[0]?.[1];
    expect(client!.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      GenerateSecret: false,
    });
    expect(client!.Properties.CallbackURLs).toHaveLength(1);
    expect(JSON.stringify(client!.Properties.CallbackURLs)).toContain(idOf(prod, prod.stack.console.distribution));
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'egov-forms-prod-clerks', ManagedLoginVersion: 2 });
    prod.template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 1);
  });

  it.each([
    ['dev', () => dev],
    ['prod', () => prod],
  ])('%s: the API’s CORS and every HTTP function allow the console’s origin', (_stage, synthesized) => {
    const distribution = idOf(synthesized(), synthesized().stack.console.distribution);
    const functions = resourcesOf(synthesized(), 'AWS::Lambda::Function').filter(([, r]) => JSON.stringify(r.Properties).includes('CORS_ALLOWED_ORIGINS'));
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(env.CORS_ALLOWED_ORIGINS)).toContain(distribution);
    }
    const preflights = resourcesOf(synthesized(), 'AWS::ApiGateway::Method').filter(([, r]) => r.Properties.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(0);
    for (const [, method] of preflights) expect(JSON.stringify(method.Properties.Integration)).toContain(distribution);
  });

  it('publishes the build and a config.json naming the API, the client and the sign-in domain, with a role that can do only that', () => {
    prod.template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const deployment = resourcesOf(prod, 'Custom::CDKBucketDeployment')[0]![1];
    expect(deployment.Properties.Prune).toBe(true);
    // config.json's tokens: the API's URL and the app client's id, filled in at deployment.
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    expect(markers).toContain(idOf(prod, prod.stack.clerks.client));
    const roleId = idOf(prod, prod.stack.console.node.findChild('PublishRole'));
    const actions = statementsOfRole(prod.template, roleId).flatMap((statement) => statement.Action).sort();
    expect(actions).toEqual(
      ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'].sort(),
    );
  });
});
