import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Names, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/**
 * Uploads a static front end's build and its `config.json` to the site's bucket and invalidates
 * its distribution, through a role with exactly what the upload needs (BucketDeployment's own
 * grants are not added to an immutable role). Written for the portal; the console's `publish`
 * (console.ts) does the same and can move onto it.
 */
export interface SitePublishingProps {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** Builds the app into the folder given and returns it (the folder lies in the cloud assembly). */
  readonly build: (outdir: string) => string;
  /** The body of `config.json`. */
  readonly config: Record<string, unknown>;
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Who the role is for, in its description. */
  readonly what: string;
}

export class SitePublishing extends Construct {
  constructor(scope: Construct, id: string, props: SitePublishingProps) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `Uploads the ${props.what} build to its bucket` });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, encryptionKey: props.logKey, removalPolicy: RemovalPolicy.DESTROY });
    const outdir = join(Stage.of(this)?.outdir ?? mkdtempSync(join(tmpdir(), 'egov-site-')), `site-build-${Names.uniqueId(this)}`);
    const build = new s3assets.Asset(this, 'Build', { path: props.build(outdir) });
    new s3deploy.BucketDeployment(this, 'Upload', {
      sources: [s3deploy.Source.bucket(build.bucket, build.s3ObjectKey), s3deploy.Source.jsonData('config.json', props.config)],
      destinationBucket: props.bucket,
      distribution: props.distribution,
      distributionPaths: ['/*'],
      role: role.withoutPolicyUpdates(),
      logGroup,
      memoryLimit: 256,
      prune: true,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [props.bucket.arnForObjects('*')] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [build.bucket.arnForObjects('*')] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'], resources: [props.distribution.distributionArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const stack = Stack.of(this);
    const qualifier = (stack.synthesizer as { bootstrapQualifier?: string }).bootstrapQualifier ?? 'hnb659fds';
    const bucketId = stack.getLogicalId(props.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason: `The upload writes and prunes any object of the ${props.what}'s own bucket (the build's file names carry content hashes).` },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${stack.region}/*]`,
        reason: 'The build and config.json are CDK assets; their keys (content hashes) are known only to the deployment.',
      },
    );
    for (const child of stack.node.children.filter((candidate) => candidate.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      Validations.of(child).acknowledge({ id: 'AwsSolutions-L1', reason: 'The runtime of the BucketDeployment handler is chosen by the CDK release.' });
    }
  }
}
