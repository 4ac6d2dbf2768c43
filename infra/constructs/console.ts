import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnOutput, Duration, Lazy, Names, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import { buildConsoleInto } from '../../console/build.ts';
import { consoleCsp } from '../local/console.ts';
import type { StageConfig } from '../config.ts';

export interface ConsoleProps {
  readonly config: StageConfig;
  readonly userPool: cognito.UserPool;
  /** The at-rest key: the upload function's log group is encrypted with it. */
  readonly logKey: kms.IKey;
}

/** The origin of path-style S3 URLs in a region (presigned URLs of the attachment vault). */
export const s3RegionalOrigin = (region: string): string => `https://s3.${region}.amazonaws.com`;

/** HSTS for two years, subdomains included (the distribution's own domain is cloudfront.net's). */
export const CONSOLE_HSTS_SECONDS = 63_072_000;

/**
 * The clerk console in AWS: the static site in a private S3 bucket, served only through CloudFront
 * with origin access control, every answer with a strict Content-Security-Policy (scripts, styles
 * and fonts from the console itself; requests only to the API and the sign-in domain), HSTS,
 * nosniff, DENY framing and no referrer. Clerks sign in with Cognito managed login (authorization
 * code + PKCE) on the user pool's domain; the console's URL is the app client's callback.
 * `config.json` (API URL, client id, sign-in domain) is written by the deployment next to the build.
 *
 * Two steps, because the API's CORS and the app client need the console's URL, and the console's
 * config needs the API's: the constructor creates bucket, distribution and sign-in domain;
 * `publish` uploads the build with its config once API and client exist.
 */
export class Console extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly domain: cognito.UserPoolDomain;
  /** `https://<distribution>.cloudfront.net` (no trailing slash): the console's origin, for CORS. */
  readonly origin: string;
  /** `https://<distribution>.cloudfront.net/`: where clerks open the console; the sign-in callback. */
  readonly url: string;
  readonly signInUrl: string;

  /** CloudFront's standard access logs of the distribution. */
  readonly accessLogs: s3.Bucket;

  private readonly props: ConsoleProps;
  private vaultEndpoint?: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    this.props = props;
    const { config } = props;
    const region = Stack.of(this).region;

    const domainPrefix = config.console.cognitoDomainPrefix ?? `egov-forms-${config.name}-clerks`;
    this.domain = props.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.signInUrl = `https://${domainPrefix}.auth.${region}.amazoncognito.com`;

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
      reason: 'The bucket holds only the public build of the console (no data); CloudFront is its only reader and the deployment its only writer.',
    });

    // The API the console calls: the custom domain when there is one, else the region's execute-api endpoints
    // (the API's own id is not known here without a dependency cycle: the API's CORS needs this distribution).
    const apiOrigin = config.customDomain ? `https://${config.customDomain.domainName}` : `https://*.execute-api.${region}.amazonaws.com`;
    // Attachment downloads: the console fetches the vault's presigned GET URLs, which the functions'
    // S3 client (path-style, functions/lib/attachments/s3.ts) addresses to the region's S3 endpoint.
    // With a custom domain the CSP names the vault bucket's path (`allowDownloadsFrom`); without one
    // only the host, since the vault's CORS rule names the distribution's domain and the bucket's
    // name in this policy would make the distribution depend on the bucket (a cycle).
    const vaultOrigin = Lazy.string({ produce: () => this.vaultEndpoint ?? s3RegionalOrigin(region) });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Clerk console: strict CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp([apiOrigin, this.signInUrl, vaultOrigin]), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(CONSOLE_HSTS_SECONDS), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // Access logs of the distribution (CloudFront's standard logs need a bucket that accepts its ACL
    // grant); kept as long as every other log of the stage.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'log-retention', expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy: keptIf(config.retainData),
    });
    Validations.of(this.accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This bucket is itself the access log of the console distribution.' });
    const customDomain = config.console.customDomain;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `egov-forms ${config.name}: clerk console`,
      enableLogging: true,
      logBucket: this.accessLogs,
      logFilePrefix: 'console/',
      logIncludesCookies: false,
      ...(customDomain
        ? {
            domainNames: [customDomain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(config.console.webAclArn ? { webAclId: config.console.webAclArn } : {}),
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Clerks may work from anywhere (home office, travel); the console is static and every API call needs a Cognito ID token.',
    });
    if (!config.console.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason: 'No console.webAclArn in this stage (dev): the distribution serves only the static build; API and user pool have web ACLs of their own.',
      });
    }
    if (!customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'No console.customDomain in this stage: the cloudfront.net name has a default certificate with a fixed security policy. With a custom domain the policy is TLSv1.2_2021.',
      });
    }
    this.origin = customDomain ? `https://${customDomain.domainName}` : `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    if (customDomain) {
      new CfnOutput(this, 'DomainTarget', {
        value: this.distribution.distributionDomainName,
        description: `Point the console's name ${customDomain.domainName} at this (CNAME or Route 53 alias)`,
      }).overrideLogicalId('ConsoleDomainTarget');
    }
  }

  /**
   * Names the vault bucket's path in the CSP's connect-src (downloads) instead of the region's whole
   * S3 endpoint. Only with a custom domain: the vault's CORS rule then names that domain, not the
   * distribution, so the distribution may depend on the bucket without a cycle.
   */
  allowDownloadsFrom(vault: s3.IBucket): void {
    if (this.props.config.console.customDomain) this.vaultEndpoint = `${s3RegionalOrigin(Stack.of(this).region)}/${vault.bucketName}/`;
  }

  /** Lets the clerks' app client sign in through managed login (code + PKCE) with the console as callback. */
  allowSignIn(client: cognito.UserPoolClient): void {
    const cfn = client.node.defaultChild as cognito.CfnUserPoolClient;
    cfn.allowedOAuthFlowsUserPoolClient = true;
    cfn.allowedOAuthFlows = ['code'];
    cfn.allowedOAuthScopes = ['openid', 'email'];
    cfn.callbackUrLs = [this.url];
    cfn.logoutUrLs = [this.url];
    cfn.supportedIdentityProviders = ['COGNITO'];
    new cognito.CfnManagedLoginBranding(this, 'SignInBranding', {
      userPoolId: this.props.userPool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
  }

  /** Uploads the build and its config.json, and invalidates the distribution. */
  publish(apiUrl: string, client: cognito.UserPoolClient): void {
    const bucketObjects = this.bucket.arnForObjects('*');
    // The upload function's role, with exactly what it needs: BucketDeployment's own grants
    // (s3:GetObject*, s3:List*, ...) are not added to an immutable role.
    const role = new iam.Role(this, 'PublishRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Uploads the clerk console build to its bucket',
    });
    const logGroup = new logs.LogGroup(this, 'PublishLogs', {
      retention: this.props.config.logRetentionDays,
      encryptionKey: this.props.logKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Built into the cloud assembly's folder (cdk.out), which the CDK removes or keeps as a whole.
    const outdir = join(Stage.of(this)?.outdir ?? mkdtempSync(join(tmpdir(), 'egov-console-')), `console-build-${Names.uniqueId(this)}`);
    const build = new s3assets.Asset(this, 'Build', { path: buildConsoleInto(outdir) });
    const source = s3deploy.Source.bucket(build.bucket, build.s3ObjectKey);
    const config = s3deploy.Source.jsonData('config.json', {
      apiUrl: apiUrl.replace(/\/$/, ''),
      auth: { kind: 'cognito', domain: this.signInUrl, clientId: client.userPoolClientId, redirectUri: this.url, logoutUri: this.url },
    });
    const deployment = new s3deploy.BucketDeployment(this, 'Publish', {
      sources: [source, config],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      role: role.withoutPolicyUpdates(),
      logGroup,
      memoryLimit: 256,
      prune: true,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [bucketObjects] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    // The build and config.json are both assets of the stack's (bootstrap) asset bucket.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [build.bucket.arnForObjects('*')] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'], resources: [this.distribution.distributionArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const stack = Stack.of(this);
    const qualifier = (stack.synthesizer as { bootstrapQualifier?: string }).bootstrapQualifier ?? 'hnb659fds';
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason: "The upload writes and prunes any object of the console's own bucket (the build's file names carry content hashes)." },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${stack.region}/*]`,
        reason: 'The build and config.json are CDK assets; their keys (content hashes) are known only to the deployment.',
      },
    );
    // BucketDeployment's handler is a singleton function at the stack's root.
    for (const child of Stack.of(this).node.children.filter((candidate) => candidate.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      Validations.of(child).acknowledge({ id: 'AwsSolutions-L1', reason: 'The runtime of the BucketDeployment handler is chosen by the CDK release.' });
    }
    void deployment;
  }
}
