import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';

export interface BackupsProps {
  readonly config: StageConfig;
  /** The tables to back up: cases and events (idempotency records live 24 h and are not worth it). */
  readonly tables: readonly dynamodb.ITable[];
  readonly vaultKey: kms.IKey;
}

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
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
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
    const selection = this.plan.addSelection('Tables', {
      resources: props.tables.map((table) => backup.BackupResource.fromDynamoDbTable(table)),
      allowRestores: true,
    });
    const role = selection.node.tryFindChild('Role');
    if (role) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        reason:
          'AWS Backup assumes this role to snapshot the two tables; AWS maintains the managed backup policy for exactly ' +
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
}
