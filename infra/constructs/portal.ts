import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { buildPortalInto } from '../../portal/build.ts';
import { frontEndCsp } from '../local/staticSite.ts';
import type { StageConfig } from '../config.ts';
import { CONSOLE_HSTS_SECONDS, s3RegionalOrigin } from './console.ts';
import { SitePublishing } from './sitePublishing.ts';

export interface PortalProps {
  readonly config: StageConfig;
  /** The at-rest key: the upload function's log group is encrypted with it. */
  readonly logKey: kms.IKey;
}

/** HSTS of the portal: as the console's, two years with subdomains. */
export const PORTAL_HSTS_SECONDS = CONSOLE_HSTS_SECONDS;

/**
 * Every path without a file extension (`/forms/x`, `/status`) is the app (index.html), as the local
 * stack serves it (infra/local/staticSite.ts, `appRoutes`); files keep their own paths, so a
 * missing asset stays a 403 from the private bucket instead of an HTML page.
 */
export const APP_ROUTES_FUNCTION = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) request.uri = '/index.html';
  return request;
}`;

/**
 * The citizens' portal in AWS: the static site in a private S3 bucket, served only through
 * CloudFront with origin access control; every answer with a strict Content-Security-Policy
 * (scripts, styles and fonts from the portal itself; requests only to the API and, for uploads,
 * the region's S3 endpoint), HSTS, nosniff, DENY framing and no referrer. With the stage's
 * `portal.domain` it answers on the authority's own name with TLS 1.2 or newer (TLSv1.2_2021).
 *
 * Two steps, like the console: the constructor creates bucket and distribution (the API's CORS and
 * the confirmation mail's status link need the portal's origin); `publish` uploads the build with
 * its config once the API's URL is known.
 */
export class Portal extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>` (no trailing slash): the portal's origin, for CORS. */
  readonly origin: string;
  /** `https://<domain>/`: where citizens open the portal. */
  readonly url: string;
  /** Where the confirmation mail links to unless the stage names another page: the portal's status page. */
  readonly statusPageUrl: string;

  private readonly props: PortalProps;

  constructor(scope: Construct, id: string, props: PortalProps) {
    super(scope, id);
    this.props = props;
    const { config } = props;
    const region = Stack.of(this).region;

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'The bucket holds only the public build of the portal (no data); CloudFront is its only reader and the deployment its only writer.',
    });

    // The API (custom domain, else the region's execute-api endpoints: the API's id is not known
    // here without a cycle, its CORS needs this distribution) and the quarantine bucket's presigned
    // PUT URLs, path-style at the region's S3 endpoint (host only, for the same reason).
    const apiOrigin = config.customDomain ? `https://${config.customDomain.domainName}` : `https://*.execute-api.${region}.amazonaws.com`;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: "Citizens' portal: strict CSP, HSTS, nosniff, no framing, no referrer",
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: frontEndCsp([apiOrigin, s3RegionalOrigin(region)]), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(PORTAL_HSTS_SECONDS), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const appRoutes = new cloudfront.Function(this, 'AppRoutes', {
      // Account-wide name, from the stage file's name (two administrations side by side).
      functionName: `egov-forms-${config.name}-portal-routes`,
      comment: 'Portal paths without a file extension answer index.html',
      code: cloudfront.FunctionCode.fromInline(APP_ROUTES_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const domain = config.portal?.domain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `egov-forms ${config.name}: citizens' portal`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(domain
        ? {
            domainNames: [domain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: appRoutes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Citizens apply from anywhere; the portal is a static site and the API it calls has its own web ACL and rate limits.' },
      { id: 'AwsSolutions-CFR2', reason: 'The distribution serves only the static build; the API, which receives the data, has a web ACL of its own.' },
      { id: 'AwsSolutions-CFR3', reason: 'Requests for the static build carry no data (answers stay in the browser until submitted to the API, which logs access).' },
      ...(domain
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                "Without the stage's portal.domain the portal answers on its cloudfront.net name, whose default certificate has a fixed security policy; with it, TLSv1.2_2021.",
            },
          ]),
    );
    this.origin = domain ? `https://${domain.domainName}` : `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    this.statusPageUrl = `${this.origin}/status`;
  }

  /** Uploads the build and its config.json (the API's URL, the accessibility feedback channel), and invalidates the distribution. */
  publish(apiUrl: string): void {
    const { config, logKey } = this.props;
    new SitePublishing(this, 'Publish', {
      bucket: this.bucket,
      distribution: this.distribution,
      build: (outdir) => buildPortalInto(outdir, '/'),
      config: { apiUrl: apiUrl.replace(/\/$/, ''), ...(config.portal ? { accessibilityFeedback: config.portal.accessibilityFeedback } : {}) },
      logKey,
      logRetention: config.logRetentionDays,
      what: "citizens' portal",
    });
  }
}
