import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CHECKPOINT_PREFIX } from '#lib/audit/checkpoint.ts';

export interface AuditProps {
  readonly stage: string;
  /** The longest `retentionDays` of any form: checkpoints are locked at least that long. */
  readonly maxRetentionDays: number;
  readonly retainData: boolean;
}

/**
 * Evidence that outlives every administrator (API.md, *Audit*):
 * - the audit key, an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) whose key policy lets no
 *   principal but the checkpoint worker's role Sign, whatever IAM grants; anyone with
 *   kms:GetPublicKey (or the exported PEM, docs/operations.md) can verify;
 * - the checkpoint bucket, with S3 Object Lock in compliance mode: no one, the root user included,
 *   can delete or overwrite a checkpoint version before its retention (≥ the longest case
 *   retention) ends; a bucket policy also refuses deletions and any write that is not a
 *   create-only `If-None-Match: *` to every principal.
 */
export class Audit extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  /** Days a checkpoint is locked. */
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    this.retentionDays = props.maxRetentionDays + 1;
    this.key = new kms.Key(this, 'AuditKey', {
      alias: `alias/egov-forms-${props.stage}-audit`,
      description: `egov-forms ${props.stage}: signs audit checkpoints (only the checkpoint worker)`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      // A retired key still verifies the checkpoints it signed: never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.bucket = new s3.Bucket(this, 'Checkpoints', {
      // No personal data (case ids, hashes, times): S3-managed encryption, so verifying needs no key grant.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(this.retentionDays)),
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDeletingCheckpoints',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Checkpoints are written create-only by one role and are themselves the evidence (signed, locked in compliance ' +
        'mode); who wrote them is in CloudTrail. Server access logs would be a second, unlocked record of the same writes.',
    });
    // A write that could replace a checkpoint's current version (S3 keeps the old one, locked) is
    // refused as well: only create-only writes pass.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOverwritingCheckpoints',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
  }

  /** The object ARNs checkpoints are written to. */
  checkpointObjectsArn(): string {
    return this.bucket.arnForObjects(`${CHECKPOINT_PREFIX}*`);
  }

  /** Lets no principal but these roles use the audit key to sign (the key policy, beyond IAM). */
  restrictSigners(signers: readonly iam.Role[]): void {
    const stack = Stack.of(this);
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const signer of signers) {
      const policy = signer.node.tryFindChild('DefaultPolicy');
      if (policy) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${CHECKPOINT_PREFIX}*]`,
          reason: 'The checkpoint worker writes and reads checkpoints by name (their start time); the bucket policy allows create-only writes and no deletes.',
        });
      }
    }
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenySigningToAllButTheCheckpointWorker',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': signers.map((role) => role.roleArn) } },
      }),
    );
  }
}
