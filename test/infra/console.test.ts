import { beforeAll, describe, expect, it } from '@jest/globals';
import { S3Client } from '@aws-sdk/client-s3';
import { Match } from 'aws-cdk-lib/assertions';
import { presignDownload } from '#lib/attachments/presign.ts';
import { S3_CLIENT_SETTINGS } from '#lib/attachments/s3.ts';
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

/** The console's response headers policy (the portal's distribution has one of its own). */
const consolePolicy = (synthesized: Synthesized): Resource | undefined =>
  resourcesOf(synthesized, 'AWS::CloudFront::ResponseHeadersPolicy').find(([, r]) => JSON.stringify(r.Properties).includes('Clerk console'))?.[1];

const cspOf = (synthesized: Synthesized): string => {
  const policy = consolePolicy(synthesized);
  const config = policy!.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } };
  return String(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
};

/** Whether a CSP's connect-src lets the page fetch `url` (CSP3 source matching: scheme, host with `*.`, port, path prefix). */
function connectAllows(csp: string, url: URL): boolean {
  const sources = /(?:^|;\s*)connect-src ([^;]*)/.exec(csp)?.[1]?.trim().split(/\s+/) ?? [];
  return sources.some((source) => {
    const match = /^(https?):\/\/(\*\.)?([a-z0-9.-]+)(?::(\d+))?(\/.*)?$/.exec(source);
    if (!match) return false;
    const [, scheme, wildcard, host, port, path] = match;
    if (url.protocol !== `${scheme}:`) return false;
    if (wildcard ? !url.hostname.endsWith(`.${host}`) : url.hostname !== host) return false;
    if ((url.port || '') !== (port ?? '')) return false;
    return !path || (path.endsWith('/') ? url.pathname.startsWith(path) : url.pathname === path);
  });
}

describe('the clerk console in AWS (issue 17)', () => {
  it('keeps the site in a private, encrypted, TLS-only bucket that only the distribution reads (origin access control)', () => {
    const bucketId = idOf(prod, prod.stack.console.bucket);
    prod.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    prod.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 2); // the console's and the portal's
    const policy = resourcesOf(prod, 'AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties.Bucket).includes(bucketId))?.[1];
    const statements = (policy!.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const reads = statements.filter((s) => s.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(JSON.stringify(reads[0]!.Condition)).toContain('AWS:SourceArn');
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('answers with a strict CSP, HSTS, nosniff, no framing and no referrer', () => {
    const policy = consolePolicy(prod);
    const headers = (policy!.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
    const csp = String(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // prod has a custom API domain: the console may call exactly it, the sign-in domain and the
    // region's S3 endpoint (presigned GETs of the attachment vault, below).
    expect(csp).toMatch(
      /connect-src 'self' https:\/\/[a-z0-9.-]+ https:\/\/egov-forms-kreis-bergstrasse-prod-clerks\.auth\.eu-central-1\.amazoncognito\.com https:\/\/s3\.eu-central-1\.amazonaws\.com;/,
    );
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

  it('lets the console fetch the vault’s presigned GET, as the download function’s S3 client makes it, and nothing else of S3', async () => {
    // The functions' own S3 client settings, in the stage's region, without the local store's endpoint.
    const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, any: process.env.AWS_ENDPOINT_URL };
    delete process.env.AWS_ENDPOINT_URL_S3;
    delete process.env.AWS_ENDPOINT_URL;
    try {
      for (const synthesized of [dev, prod]) {
        const region = synthesized.stack.region;
        const client = new S3Client({ ...S3_CLIENT_SETTINGS, region, credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'example' } });
        const url = new URL(await presignDownload(client, 'egov-forms-prod-attachmentsvault0a1b2c3d-0a1b2c3d4e5f', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 60));
        expect(url.hostname).toBe(`s3.${region}.amazonaws.com`);
        const csp = cspOf(synthesized);
        expect(connectAllows(csp, url)).toBe(true);
        expect(connectAllows(csp, new URL(`https://bucket.s3.${region}.amazonaws.com/key`))).toBe(false);
        expect(connectAllows(csp, new URL('https://s3.us-east-1.amazonaws.com/bucket/key'))).toBe(false);
        expect(connectAllows(csp, new URL('https://attacker.example/collect'))).toBe(false);
      }
    } finally {
      if (saved.s3 !== undefined) process.env.AWS_ENDPOINT_URL_S3 = saved.s3;
      if (saved.any !== undefined) process.env.AWS_ENDPOINT_URL = saved.any;
    }
  });

  it('lets exactly the console’s origin read vault objects cross-origin (CORS GET), and the quarantine keeps its PUT rule', () => {
    const distributionId = idOf(prod, prod.stack.console.distribution);
    const vault = prod.template.toJSON().Resources[idOf(prod, prod.stack.attachments.vault)] as Resource;
    const rules = (vault.Properties.CorsConfiguration as { CorsRules: Record<string, unknown>[] }).CorsRules;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ AllowedMethods: ['GET'] });
    expect(rules[0]!.AllowedHeaders).toBeUndefined();
    const origins = rules[0]!.AllowedOrigins as unknown[];
    expect(origins).toHaveLength(1);
    expect(JSON.stringify(origins[0])).toContain(distributionId);
    expect(JSON.stringify(origins[0])).toContain('https://');
    const quarantine = prod.template.toJSON().Resources[idOf(prod, prod.stack.attachments.quarantine)] as Resource;
    const quarantineRules = (quarantine.Properties.CorsConfiguration as { CorsRules: Record<string, unknown>[] }).CorsRules;
    expect(quarantineRules.map((rule) => rule.AllowedMethods)).toEqual([['PUT']]);
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
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'egov-forms-kreis-bergstrasse-prod-clerks', ManagedLoginVersion: 2 });
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
    prod.template.resourceCountIs('Custom::CDKBucketDeployment', 2); // the console's and the portal's
    const consoleBucket = idOf(prod, prod.stack.console.bucket);
    const deployment = resourcesOf(prod, 'Custom::CDKBucketDeployment').find(([, r]) => JSON.stringify(r.Properties.DestinationBucketName).includes(consoleBucket))![1];
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
