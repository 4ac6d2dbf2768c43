import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import { runbookReference } from './alarms.ts';
import { FILE_RETENTION_MARGIN_DAYS, RETENTION_TAG } from '#lib/attachments/retention.ts';
import { BINDING_BOUND, BINDING_TAG, BINDING_UNBOUND, UNBOUND_FILE_DAYS, UPLOAD_HEADERS } from '#lib/attachments/upload.ts';

export interface AttachmentsProps {
  readonly stage: string;
  /** The at-rest key (keys.ts `dataKey`): SSE-KMS of both buckets. */
  readonly key: kms.IKey;
  readonly retainData: boolean;
  /** Origins of the citizens' portals, which PUT the files with presigned URLs. */
  readonly corsOrigins: readonly string[];
  /**
   * Origins of pages that GET vault files through the download route's presigned URLs: the clerk
   * console, which fetches a file and saves it under its decrypted name (console/src/views/caseDetail.ts).
   */
  readonly vaultReadOrigins?: readonly string[];
  /** The longest `retentionDays` of any form: vault files never outlive it. */
  readonly maxRetentionDays: number;
  /**
   * The distinct `retentionDays` of the administration's forms (retention.ts `retentionClassesOf`):
   * one lifecycle rule each, so that a bound file goes with its case.
   */
  readonly retentionClasses: readonly number[];
}

/** The object GuardDuty writes when it checks that it can reach the bucket. */
const VALIDATION_OBJECT = 'malware-protection-resource-validation-object';
/** GuardDuty names the EventBridge rule it manages for a protected bucket with this prefix. */
const GUARDDUTY_RULE_PREFIX = 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3';

/** The runbook entry of GuardDuty's reports about the quarantine's scans (docs/operations.md). */
export const SCAN_PROBLEM_RUNBOOK = 'malware scans stopped';

/** GuardDuty's own service principal for Malware Protection for S3. */
const GUARDDUTY_PRINCIPAL = 'malware-protection-plan.guardduty.amazonaws.com';

/**
 * The attachment buckets (API.md, "Attachments"):
 * - `quarantine` receives the citizens' uploads (presigned PUT) under random keys; GuardDuty
 *   Malware Protection scans every new object; leftovers go after one day.
 * - `vault` holds the files the verdict worker found clean (copied there, tagged `binding=unbound`):
 *   unbound ones for a few days, bound ones (re-tagged `bound` with their retention class) until
 *   shortly after their case expires, never beyond the longest retention of any form.
 * Both: SSE-KMS with the at-rest key (bucket keys), TLS only, public access blocked, objects owned
 * by the bucket owner (no ACLs). Who may read which bucket is `restrictReaders`' business: a bucket
 * policy denies reading objects to every principal but the named roles, whatever IAM says.
 */
export class Attachments extends Construct {
  readonly quarantine: s3.Bucket;
  readonly vault: s3.Bucket;
  readonly scannerRole: iam.Role;
  readonly malwareProtection: guardduty.CfnMalwareProtectionPlan;

  constructor(scope: Construct, id: string, props: AttachmentsProps) {
    super(scope, id);
    const common = {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
    } as const;

    this.quarantine = new s3.Bucket(this, 'Quarantine', {
      ...common,
      // Uploads are worthless once their ticket is gone; nothing in quarantine is ever kept.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
      lifecycleRules: [{ id: 'quarantine-leftovers', expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      cors: [
        {
          allowedOrigins: [...props.corsOrigins],
          allowedMethods: [s3.HttpMethods.PUT],
          allowedHeaders: [...UPLOAD_HEADERS],
          maxAge: 600,
        },
      ],
    });

    this.vault = new s3.Bucket(this, 'Vault', {
      ...common,
      // Versioned: AWS Backup takes only versioned buckets (infra/constructs/backups.ts). A version
      // the lifecycle replaced goes a day later, so no file outlives its rule by more than that.
      versioned: true,
      removalPolicy: keptIf(props.retainData),
      lifecycleRules: [
        // A file no submission bound: the verdict worker copies it in tagged so, `keepFiles` re-tags
        // it once bound. Unreachable after 24 hours (API.md: its ticket is gone); the bytes stay
        // UNBOUND_FILE_DAYS, so that a stalled keepFiles never lets this rule remove a bound file.
        { id: 'vault-unbound', tagFilters: { [BINDING_TAG]: BINDING_UNBOUND }, expiration: Duration.days(UNBOUND_FILE_DAYS) },
        // A bound file goes with its case: keepFiles tags it with its retention class (the smallest
        // form retention that covers its case's remaining life), one rule per class, counted from
        // the file's arrival with a margin for the time before binding (functions/lib/attachments/retention.ts).
        ...props.retentionClasses.map((days) => ({
          id: `vault-retention-${days}`,
          tagFilters: { [BINDING_TAG]: BINDING_BOUND, [RETENTION_TAG]: String(days) },
          expiration: Duration.days(days + FILE_RETENTION_MARGIN_DAYS),
        })),
        // The ceiling for a file without a class (bound before the classes existed): the longest retention.
        { id: 'vault-retention', expiration: Duration.days(props.maxRetentionDays + 1) },
        { id: 'vault-old-versions', noncurrentVersionExpiration: Duration.days(1), expiredObjectDeleteMarker: true },
      ],
      // A CORS rule only lets those pages read the answer to a request that is already allowed: the
      // presigned URL (60 s, one object) stays the authorisation; the bucket policy still names the reader roles.
      ...(props.vaultReadOrigins?.length
        ? { cors: [{ allowedOrigins: [...props.vaultReadOrigins], allowedMethods: [s3.HttpMethods.GET], maxAge: 600 }] }
        : {}),
    });

    for (const bucket of [this.quarantine, this.vault]) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'Objects live under random ids and are read only through the function roles the bucket policy names; every ' +
          'read by a clerk is an audit event in the events table (case.attachment_viewed). Server access logs would add a ' +
          'third bucket of request records without adding who read what.',
      });
    }

    // GuardDuty Malware Protection for S3 assumes this role to read and tag new objects and to
    // manage the EventBridge rule it needs (names fixed by GuardDuty).
    const stack = Stack.of(this);
    // Trust and permissions as AWS documents them for Malware Protection for S3 ("Create or update
    // IAM role policy"): the trust names the service alone; the managed-rule actions that take the
    // `events:ManagedBy` condition carry it, DescribeRule and ListTargetsByRule (which GuardDuty
    // uses to watch its rule) have it not, since they do not support that key.
    this.scannerRole = new iam.Role(this, 'ScannerRole', {
      assumedBy: new iam.ServicePrincipal(GUARDDUTY_PRINCIPAL),
      description: `egov-forms ${props.stage}: GuardDuty Malware Protection scans the attachment quarantine`,
    });
    const managedRule = stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${GUARDDUTY_RULE_PREFIX}*` });
    this.scannerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowManagedRuleToSendS3EventsToGuardDuty',
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [managedRule],
        conditions: { StringLike: { 'events:ManagedBy': GUARDDUTY_PRINCIPAL } },
      }),
    );
    this.scannerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowGuardDutyToMonitorEventBridgeManagedRule',
        actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
        resources: [managedRule],
      }),
    );
    this.scannerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WatchQuarantine',
        actions: ['s3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket'],
        resources: [this.quarantine.bucketArn],
      }),
    );
    this.scannerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ScanAndTagUploads',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:PutObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectVersionTagging'],
        // Uploads live under attachment ids (26 characters), plus GuardDuty's own validation object.
        resources: [this.quarantine.arnForObjects('?'.repeat(26)), this.quarantine.arnForObjects(VALIDATION_OBJECT)],
      }),
    );
    this.scannerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ValidationObject',
        actions: ['s3:PutObject'],
        resources: [this.quarantine.arnForObjects(VALIDATION_OBJECT)],
      }),
    );
    this.scannerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DataKeyViaS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );
    const scannerPolicy = this.scannerRole.node.tryFindChild('DefaultPolicy');
    if (scannerPolicy) {
      Validations.of(scannerPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:aws:events:${stack.region}:<AWS::AccountId>:rule/${GUARDDUTY_RULE_PREFIX}*]`,
        reason:
          'GuardDuty Malware Protection creates and manages its own EventBridge rule, whose name it suffixes itself; ' +
          'the role may manage only rules of that prefix, and only those GuardDuty manages (events:ManagedBy).',
      });
    }

    this.malwareProtection = new guardduty.CfnMalwareProtectionPlan(this, 'MalwareProtection', {
      role: this.scannerRole.roleArn,
      protectedResource: { s3Bucket: { bucketName: this.quarantine.bucketName } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    this.malwareProtection.node.addDependency(this.scannerRole);
  }

  /**
   * GuardDuty's own reports that scans stopped or tagging failed on the quarantine (the plan's
   * status turned Warning or Error, a post-scan action failed) go to the operators: uploads would
   * otherwise wait for a verdict that never comes.
   */
  alarmOnScanProblems(topic: sns.ITopic): events.Rule {
    return new events.Rule(this, 'ScanProblems', {
      description: `GuardDuty Malware Protection reports a problem with the quarantine's scans: uploads get no verdict. ${runbookReference(SCAN_PROBLEM_RUNBOOK)}`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: [
          'GuardDuty Malware Protection Resource Status Warning',
          'GuardDuty Malware Protection Resource Status Error',
          'GuardDuty Malware Protection Post Scan Action Failed',
        ],
      },
      targets: [new targets.SnsTopic(topic)],
    });
  }

  /**
   * Bucket policies that deny reading objects to every principal but the named roles: the
   * quarantine to the verdict worker and GuardDuty, the vault to the clerk download path (and the
   * delivery worker, once there is one).
   */
  restrictReaders(quarantineReaders: readonly iam.IRole[], vaultReaders: readonly iam.IRole[]): void {
    const deny = (bucket: s3.Bucket, sid: string, readers: readonly iam.IRole[]) =>
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [bucket.arnForObjects('*')],
          // With no reader at all, nobody reads.
          ...(readers.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': readers.map((role) => role.roleArn) } } } : {}),
        }),
      );
    deny(this.quarantine, 'DenyReadingUploadsToAllButScanners', [...quarantineReaders, this.scannerRole]);
    deny(this.vault, 'DenyReadingFilesToAllButNamedReaders', vaultReaders);
  }

  /**
   * A vault object's tags decide whether the lifecycle removes it after a day: a bucket policy
   * denies changing them to every principal but the named roles (the verdict worker, which copies
   * files in tagged `unbound`, and `keepFiles`, which tags them `bound`).
   */
  restrictVaultTaggers(taggers: readonly iam.IRole[]): void {
    this.vault.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyTaggingFilesToAllButNamedTaggers',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'],
        resources: [this.vault.arnForObjects('*')],
        ...(taggers.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': taggers.map((role) => role.roleArn) } } } : {}),
      }),
    );
  }
}
