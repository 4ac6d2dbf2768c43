import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import type { StageConfig } from '../config.ts';
import { runbookReference } from './alarms.ts';

export interface BackupsProps {
  readonly config: StageConfig;
  /** The operators' alarm topic: failed backup and copy jobs go there. */
  readonly topic: sns.ITopic;
  /** The tables to back up: cases, events and attachments (idempotency records live 24 h and are not worth it). */
  readonly tables: readonly dynamodb.ITable[];
  /** Buckets to back up with the tables: the attachment vault (versioned, as AWS Backup requires). */
  readonly buckets?: readonly s3.IBucket[];
  readonly vaultKey: kms.IKey;
}

/** The runbook entry of a failed backup or copy job (docs/operations.md). */
export const BACKUP_JOB_RUNBOOK = 'backup job failed';

/** How long a daily recovery point is kept, here and in the backup account. */
export const BACKUP_RETENTION = Duration.days(35);

/**
 * AWS Backup for the case and event tables, beside their point-in-time recovery: a daily recovery
 * point at 01:00 UTC kept 35 days in a vault with a lock (no one, root included, deletes a point
 * before 7 days; in prod the lock becomes immutable three days after the first deploy), and a copy
 * of each point to a vault in a separate backup account of the same region (stage config
 * `backup.copyToVaultArn`), so that a compromised or closed production account does not take the
 * backups with it. Prerequisites in the accounts (docs/operations.md): cross-account backup
 * enabled in AWS Organizations, AWS Backup's advanced features for DynamoDB, and the destination
 * vault's access policy allowing this account to copy into it.
 */
export class Backups extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  /** The role AWS Backup assumes; the vault's bucket policy must let it read (attachments.ts `restrictReaders`). */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    const { config } = props;

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: `egov-forms-${config.name}`,
      encryptionKey: props.vaultKey,
      lockConfiguration: {
        minRetention: Duration.days(7),
        maxRetention: Duration.days(365),
        // Compliance mode in prod: after the grace period the lock cannot be removed by anyone.
        ...(config.retainData ? { changeableFor: Duration.days(3) } : {}),
      },
      removalPolicy: keptIf(config.retainData),
    });

    const copyAccount = config.backup.copyToVaultArn?.split(':')[4];
    if (copyAccount) {
      // AWS Backup copies a recovery point to another account with the source vault's key: that
      // account must be allowed to use it for the copy (AWS Backup, "Cross-account backup").
      props.vaultKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowBackupAccountToCopyRecoveryPoints',
          principals: [new iam.AccountPrincipal(copyAccount)],
          actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Encrypt'],
          resources: ['*'],
        }),
      );
      props.vaultKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowBackupAccountGrantsForAwsBackup',
          principals: [new iam.AccountPrincipal(copyAccount)],
          actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
          resources: ['*'],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      );
    }

    // A failed, aborted or expired backup or copy job pages the operators (a missing copy is otherwise silent).
    new events.Rule(this, 'JobFailed', {
      description: `An AWS Backup job or the copy to the backup account failed, was aborted or expired. ${runbookReference(BACKUP_JOB_RUNBOOK)}`,
      eventPattern: {
        source: ['aws.backup'],
        account: [Aws.ACCOUNT_ID],
        detailType: ['Backup Job State Change', 'Copy Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      },
      targets: [new targets.SnsTopic(props.topic)],
    });

    const copyActions: backup.BackupPlanCopyActionProps[] = config.backup.copyToVaultArn
      ? [
          {
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', config.backup.copyToVaultArn),
            deleteAfter: BACKUP_RETENTION,
          },
        ]
      : [];

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `egov-forms-${config.name}`,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: '1' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(4),
          deleteAfter: BACKUP_RETENTION,
          copyActions,
        }),
      ],
    });
    // One role for the selection: AWS Backup's managed policies for backups and restores, and for
    // S3 the ones AWS documents for buckets (they read objects through S3 with the bucket's key).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `egov-forms ${config.name}: AWS Backup snapshots the tables and the attachment vault`,
      managedPolicies: [
        'service-role/AWSBackupServiceRolePolicyForBackup',
        'service-role/AWSBackupServiceRolePolicyForRestores',
        ...((props.buckets ?? []).length > 0 ? ['AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore'] : []),
      ].map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    this.plan.addSelection('Tables', {
      resources: [
        ...props.tables.map((table) => backup.BackupResource.fromDynamoDbTable(table)),
        ...(props.buckets ?? []).map((bucket) => backup.BackupResource.fromArn(bucket.bucketArn)),
      ],
      role: this.role,
    });
    const role = this.role;
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup]',
        reason: 'AWS Backup assumes this role to snapshot the attachment vault; AWS maintains this managed policy for S3 backups (object reads through S3).',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore]',
        reason: 'Restores of the vault run under the same role; AWS maintains this managed policy for S3 restores, started by an operator.',
      },
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'AWS Backup assumes this role to snapshot the tables; AWS maintains the managed backup policy for exactly ' +
        'that service and it is the documented way to grant it (it holds no data-plane access to items).',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      reason:
        'Restores (docs/operations.md) run under the same AWS Backup service role; AWS maintains the managed restore ' +
        'policy for that service. Restores always create new tables and are started by an operator.',
    });
  }
}
