import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';

export interface AlarmTopicProps {
  readonly config: StageConfig;
  readonly topicKey: kms.IKey;
}

/**
 * The operators' topic: encrypted, mailing the stage's `alarmEmail`. Every alarm (monitoring.ts),
 * key alert and backup alert publishes to it. It stays in the stage's own stack under the id
 * `Alarms/Topic` that it had before the alarms moved into the monitoring nested stack: a new topic
 * would need its mail subscription confirmed again, and would deliver nothing until then.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { config } = props;
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `egov-forms ${config.name} alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    // Rules of this account only (key alerts, backup jobs): an EventBridge rule of another account
    // may not publish to the operators' topic, whatever a later statement allows.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventsOfThisAccountOnly',
        effect: iam.Effect.DENY,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringNotEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }
}
