import { ArnFormat, DefaultStackSynthesizer, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import type { CaseKeyAction } from '#lib/runtime/needs.ts';

export interface KeysProps {
  readonly stage: string;
  readonly retainData: boolean;
}

/** Operations that use the case key's material: only the roles the route table names, and break-glass. */
export const CASE_KEY_CRYPTO = ['kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant'] as const;
/** Operations that make every stored case unreadable: only the deployment role (CloudFormation). */
export const CASE_KEY_DESTRUCTION = ['kms:DisableKey', 'kms:ScheduleKeyDeletion'] as const;

/**
 * Two customer-managed keys, on purpose:
 *
 * - `caseKey` wraps the per-case data keys of the envelopes (ARCHITECTURE.md, Encryption). Only the
 *   route table decides who may use it, and only with our encryption context: the submit function
 *   may `GenerateDataKey`, the clerk functions may `Decrypt`, nobody else anything.
 * - `dataKey` encrypts everything at rest that AWS services store for us: both DynamoDB tables, the
 *   HMAC secret and the alarm topic. Functions may use it only through those services
 *   (`kms:ViaService`), never directly.
 *
 * Were the tables encrypted with the case key, every function writing a case would need
 * `kms:Decrypt` on the case key (DynamoDB decrypts its table key with the caller's rights), and
 * "the submit function can never decrypt case envelopes" would rest on a ViaService condition alone.
 * With the split, no role holds a direct `kms:Decrypt` on the case key unless the route table says so,
 * and the case key's policy additionally denies every function role everything else.
 */
export class Keys extends Construct {
  readonly caseKey: kms.Key;
  readonly dataKey: kms.Key;
  readonly hmacSecret: secretsmanager.Secret;
  /**
   * The one human way to the case key's material, for a documented emergency (a court order, a
   * lost function role): assumable by the account's administrators with MFA, every use alerted
   * (keyWatch.ts). It holds no permission until an operator attaches one (docs/operations.md).
   */
  readonly breakGlassRole: iam.Role;

  constructor(scope: Construct, id: string, props: KeysProps) {
    super(scope, id);
    const removalPolicy = keptIf(props.retainData);
    const pendingWindow = props.retainData ? Duration.days(30) : Duration.days(7);

    this.caseKey = new kms.Key(this, 'CaseKey', {
      description: `egov-forms ${props.stage}: wraps the per-case data keys of case envelopes`,
      alias: `alias/egov-forms/${props.stage}/case`,
      enableKeyRotation: true,
      // Single-Region on purpose (docs/operations.md, "Backups and disaster recovery"): a replica
      // key in a second region would let that region open every case. Decided before the first
      // prod deploy because KMS cannot turn an existing key into a multi-Region one.
      multiRegion: false,
      removalPolicy,
      pendingWindow,
    });

    this.breakGlassRole = new iam.Role(this, 'CaseKeyBreakGlass', {
      roleName: `egov-forms-${props.stage}-case-key-break-glass`,
      description: `egov-forms ${props.stage}: emergency access to the case key; every use raises an alert`,
      assumedBy: new iam.AccountRootPrincipal().withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
      maxSessionDuration: Duration.hours(1),
    });

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: `egov-forms ${props.stage}: encryption at rest of tables, HMAC secret and alarm topic`,
      alias: `alias/egov-forms/${props.stage}/data`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow,
    });
    // CloudWatch alarms publish to the encrypted alarm topic; SNS asks KMS on CloudWatch's behalf.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    // Log groups (API access and execution logs, WAF, Cognito, functions) are encrypted with it.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }),
    );
    // Key alerts (keyWatch.ts) reach the encrypted alarm topic through EventBridge.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    // Keys idempotency keys and list cursors (functions/lib/hmacKey.ts). Generated by Secrets
    // Manager at deploy time: the value never appears in the template or the cloud assembly.
    this.hmacSecret = new secretsmanager.Secret(this, 'HmacSecret', {
      description: `egov-forms ${props.stage}: HMAC key for idempotency keys and list cursors`,
      encryptionKey: this.dataKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.hmacSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The HMAC secret keys idempotency records (24 h) and opaque list cursors. Automatic rotation would ' +
        'silently invalidate in-flight idempotency keys and cursors; it is rotated as a planned, manual ' +
        'operation (put a new value, redeploy) instead.',
    });
  }

  /**
   * Denies a function role everything on the case key except the operations its route needs. The
   * identity policy already grants no more; the deny keeps it so even if someone later attaches a
   * broader policy to the role (e.g. a managed policy with `kms:Decrypt` on `*`).
   */
  confineCaseKeyUse(role: iam.IRole, kmsNeeds: readonly CaseKeyAction[], name: string): void {
    this.caseKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `Confine${name}`,
        effect: iam.Effect.DENY,
        principals: [role],
        ...(kmsNeeds.length === 0 ? { actions: ['kms:*'] } : { notActions: [...kmsNeeds] }),
        resources: ['*'],
      }),
    );
  }

  /**
   * The role CloudFormation deploys with (the CDK bootstrap's execution role): the only principal
   * that may disable the case key or schedule its deletion.
   */
  deploymentRoleArn(): string {
    const synthesizer = Stack.of(this).synthesizer;
    if (synthesizer instanceof DefaultStackSynthesizer) return Fn.sub(synthesizer.cloudFormationExecutionRoleArn);
    throw new Error('The case key policy names the CDK deployment role: use the DefaultStackSynthesizer');
  }

  /**
   * The case key obeys its own policy, not any IAM policy of the account (issue 12, point 8). The
   * default statement lets the account's IAM policies grant the key; these denies take back what
   * matters from everyone else, whatever their IAM policies say (`kms:*` on `*` included):
   * - its material (Decrypt, ReEncrypt, GenerateDataKey, CreateGrant): only the roles that need it
   *   (the route table's) and the break-glass role;
   * - Encrypt: nobody (a chosen data key wrapped by Encrypt would forge an envelope);
   * - DisableKey, ScheduleKeyDeletion: only the deployment role.
   * Key-state changes and any other principal's attempts raise alerts (keyWatch.ts).
   */
  restrictCaseKey(users: readonly iam.IRole[]): void {
    const allowed = [...users.map((role) => role.roleArn), this.breakGlassRole.roleArn];
    this.caseKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyCaseKeyMaterialToAllButNamedRoles',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...CASE_KEY_CRYPTO],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': allowed } },
      }),
    );
    this.caseKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyEncryptToEveryone',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt'],
        resources: ['*'],
      }),
    );
    this.caseKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDisableOrDeletionToAllButDeploymentRole',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...CASE_KEY_DESTRUCTION],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.deploymentRoleArn() } },
      }),
    );
  }
}
