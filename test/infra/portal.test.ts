import { beforeAll, describe, expect, it } from '@jest/globals';
import { APP_ROUTES_FUNCTION, PORTAL_HSTS_SECONDS } from '../../infra/constructs/portal.ts';
import { type Resource, type Synthesized, statementsOfRole, synthStage } from './synth.ts';

// The citizens' portal in AWS (issue 27): a private bucket behind CloudFront with origin access
// control, strict headers, TLS 1.2+ on the stage's domain, the PortalUrl output, the API's CORS and
// the quarantine's upload rule allowing its origin, the confirmation mail linking to its status page.

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});
const resourcesOf = (synthesized: Synthesized, type: string): [string, Resource][] =>
  Object.entries(synthesized.template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);
const idOf = (synthesized: Synthesized, construct: unknown) => synthesized.stack.getLogicalId((construct as { node: { defaultChild: never } }).node.defaultChild);
const distributionOf = (synthesized: Synthesized): Resource => synthesized.template.toJSON().Resources[idOf(synthesized, synthesized.stack.portal.distribution)] as Resource;
const headersOf = (synthesized: Synthesized): Record<string, Record<string, unknown>> => {
  const policy = resourcesOf(synthesized, 'AWS::CloudFront::ResponseHeadersPolicy').find(([, r]) => JSON.stringify(r.Properties).includes("Citizens' portal"))![1];
  return (policy.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
};

describe("the citizens' portal in AWS", () => {
  it('keeps the site in a private, TLS-only bucket that only its distribution reads (origin access control)', () => {
    const bucketId = idOf(prod, prod.stack.portal.bucket);
    const bucket = prod.template.toJSON().Resources[bucketId] as Resource;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const policy = resourcesOf(prod, 'AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties.Bucket).includes(bucketId))![1];
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const reads = statements.filter((statement) => statement.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(JSON.stringify(reads[0]!.Condition)).toContain(idOf(prod, prod.stack.portal.distribution));
    expect(statements.some((statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition).includes('aws:SecureTransport'))).toBe(true);
    const origins = (distributionOf(prod).Properties.DistributionConfig as { Origins: Record<string, unknown>[] }).Origins;
    expect(origins).toHaveLength(1);
    expect(origins[0]!.OriginAccessControlId).toBeDefined();
  });

  it('answers with a strict CSP (the API and S3 uploads only), HSTS, nosniff, no framing and no referrer', () => {
    for (const synthesized of [dev, prod]) {
      const headers = headersOf(synthesized);
      const csp = JSON.stringify(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
      for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]) expect(csp).toContain(directive);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*(?!\.execute-api)/);
      expect(csp).toMatch(/connect-src 'self' https:\/\/[^ ;]+ https:\/\/s3\.[^ ;]+\.amazonaws\.com/);
      expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: PORTAL_HSTS_SECONDS, IncludeSubdomains: true, Override: true });
      expect(PORTAL_HSTS_SECONDS).toBeGreaterThanOrEqual(31_536_000);
      expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
      expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
      expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    }
    expect(JSON.stringify(headersOf(prod).ContentSecurityPolicy)).toContain('https://api.formulare.landkreis.example');
  });

  it("serves the stage's portal domain with TLS 1.2 or newer (TLSv1.2_2021) and redirects HTTP to HTTPS", () => {
    const config = distributionOf(prod).Properties.DistributionConfig as Record<string, Record<string, unknown>>;
    expect(config.Aliases).toEqual(['formulare.landkreis.example']);
    expect(config.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https' });
  });

  it('answers every app path with the app and every file with itself (the viewer-request function)', () => {
    const run = new Function('event', `${APP_ROUTES_FUNCTION}; return handler(event);`) as (event: { request: { uri: string } }) => { uri: string };
    for (const uri of ['/', '/forms/fischereischein', '/status', '/barrierefreiheit']) expect(run({ request: { uri } }).uri).toBe('/index.html');
    for (const uri of ['/app.js', '/app.css', '/config.json', '/assets/fira-sans-abc123.woff2']) expect(run({ request: { uri } }).uri).toBe(uri);
    const associations = (distributionOf(prod).Properties.DistributionConfig as { DefaultCacheBehavior: { FunctionAssociations: { EventType: string }[] } }).DefaultCacheBehavior.FunctionAssociations;
    expect(associations.map((association) => association.EventType)).toEqual(['viewer-request']);
  });

  it('outputs PortalUrl: its own domain, or else the distribution’s', () => {
    expect(JSON.stringify(prod.template.findOutputs('PortalUrl'))).toContain('https://formulare.landkreis.example/');
    const devOutput = JSON.stringify(dev.template.findOutputs('PortalUrl'));
    expect(devOutput).toContain('https://');
    expect(devOutput).toContain(idOf(dev, dev.stack.portal.distribution));
  });

  it.each([
    ['dev', () => dev],
    ['prod', () => prod],
  ])("%s: the API's preflights, every HTTP function and the quarantine's upload rule allow the portal's origin", (_stage, synthesized) => {
    const origin = synthesized().stack.portal.origin;
    const mention = origin.startsWith('https://formulare') ? origin : idOf(synthesized(), synthesized().stack.portal.distribution);
    const functions = resourcesOf(synthesized(), 'AWS::Lambda::Function').filter(([, r]) => JSON.stringify(r.Properties).includes('CORS_ALLOWED_ORIGINS'));
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) expect(JSON.stringify((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.CORS_ALLOWED_ORIGINS)).toContain(mention);
    const preflights = resourcesOf(synthesized(), 'AWS::ApiGateway::Method').filter(([, r]) => r.Properties.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(0);
    for (const [, method] of preflights) expect(JSON.stringify(method.Properties.Integration)).toContain(mention);
    const quarantine = synthesized().template.toJSON().Resources[idOf(synthesized(), synthesized().stack.attachments.quarantine)] as Resource;
    expect(JSON.stringify(quarantine.Properties.CorsConfiguration)).toContain(mention);
  });

  it("links the confirmation mail to the portal's status page unless the stage names another", () => {
    const mailSettings = (synthesized: Synthesized): string =>
      JSON.stringify(
        resourcesOf(synthesized, 'AWS::Lambda::Function')
          .map(([, r]) => (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.CONFIRMATION_MAIL)
          .find((value) => value !== undefined),
      );
    // dev names none: the deployed portal's /status.
    expect(mailSettings(dev)).toContain(idOf(dev, dev.stack.portal.distribution));
    expect(mailSettings(dev)).toContain('/status');
    // The prod fixture names its own page.
    expect(mailSettings(prod)).toContain('https://formulare.landkreis-musterstadt.de/status');
  });

  it('publishes the build with a config.json naming the API, through a role that can do only that', () => {
    const bucket = idOf(dev, dev.stack.portal.bucket);
    const deployment = resourcesOf(dev, 'Custom::CDKBucketDeployment').find(([, r]) => JSON.stringify(r.Properties.DestinationBucketName).includes(bucket))![1];
    expect(deployment.Properties.Prune).toBe(true);
    // config.json's token: the API's URL (dev has no custom domain), filled in at deployment.
    expect(JSON.stringify(deployment.Properties.SourceMarkers)).toContain(idOf(dev, dev.stack.api.restApi));
    const role = prod.stack.portal.node.findChild('Publish').node.findChild('Role');
    const actions = statementsOfRole(prod.template, idOf(prod, role)).flatMap((statement) => statement.Action).sort();
    expect(actions).toEqual(
      ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'].sort(),
    );
  });
});
