import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { runbookReference } from './alarms.ts';

export interface KeyWatchProps {
  readonly caseKey: kms.IKey;
  /** The roles expected to use the case key: the functions that need it. */
  readonly expectedUsers: readonly iam.IRole[];
  readonly topic: sns.ITopic;
}

/** Calls that change what the case key is or who may use it. */
export const KEY_STATE_CHANGES = [
  'DisableKey',
  'EnableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'PutKeyPolicy',
  'CreateGrant',
  'RetireGrant',
  'RevokeGrant',
  'DisableKeyRotation',
  'UpdatePrimaryRegion',
  'ReplicateKey',
] as const;

/** Calls that use the case key's material (or try to: denied attempts are recorded too). */
export const KEY_USES = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt'] as const;

/**
 * Alerts on the case key from CloudTrail through EventBridge to the alarm topic: any change of the
 * key's state or policy, and any use by a principal other than the function roles that need it
 * (break-glass included: its use is meant to be seen). EventBridge gets these events only while a
 * CloudTrail trail logs the account's management events (a landing-zone prerequisite,
 * docs/operations.md, "Audit logging"); KMS's cryptographic calls are read-only management events,
 * which a rule receives only in the state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
 */
export class KeyWatch extends Construct {
  readonly stateRule: events.Rule;
  readonly useRule: events.Rule;

  constructor(scope: Construct, id: string, props: KeyWatchProps) {
    super(scope, id);
    const onTheKey = { resources: { ARN: [props.caseKey.keyArn] } };

    this.stateRule = new events.Rule(this, 'CaseKeyStateChange', {
      description: `The case key was disabled, scheduled for deletion, re-policied or granted: every stored case depends on it. ${runbookReference('case key state change')}`,
      eventPattern: {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['kms.amazonaws.com'], eventName: [...KEY_STATE_CHANGES], ...onTheKey },
      },
    });

    this.useRule = new events.Rule(this, 'CaseKeyUseByOthers', {
      description: `A principal other than the functions that need it used (or tried to use) the case key. ${runbookReference('case key use by others')}`,
      eventPattern: {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          eventName: [...KEY_USES],
          ...onTheKey,
          // An IAM user or the root account has no session issuer: anything but an assumed role
          // alerts as well as an assumed role that is not one of the expected ones.
          // With no function that needs the key, every assumed role is "another principal".
          $or: [
            { userIdentity: { type: [{ 'anything-but': 'AssumedRole' }] } },
            props.expectedUsers.length > 0
              ? { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': props.expectedUsers.map((role) => role.roleArn) }] } } } }
              : { userIdentity: { type: ['AssumedRole'] } },
          ],
        },
      },
    });

    (this.useRule.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

    for (const rule of [this.stateRule, this.useRule]) rule.addTarget(new targets.SnsTopic(props.topic));
  }
}
