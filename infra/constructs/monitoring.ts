import { NestedStack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Alarms, type AlarmsProps } from './alarms.ts';
import type { Mail } from './mail.ts';
import type { Queues } from './queues.ts';

export interface MonitoringProps extends AlarmsProps {
  readonly queues: Queues;
  readonly mail: Mail;
}

/**
 * The stage's CloudWatch alarms and the metric filters they read, in a nested stack of their own
 * (`cdk deploy` uploads and deploys it with the stage's stack; docs/deploy.md, "How many offices
 * fit"). CloudFormation takes at most 500 resources per stack: the alarms grow with the function
 * table, and the stage's stack keeps its room for what grows with the stage file (an office's
 * Cognito group, a destination's secret). Only alarms without a physical name live here, so moving
 * them creates the new ones beside the old without a name collision; the operators' topic, which
 * they notify, and the dashboard, named `egov-forms-<name>`, stay in the stage's stack.
 */
export class Monitoring extends NestedStack {
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id, { description: `egov-forms ${props.config.name}: alarms (nested in the stage's stack)` });
    this.alarms = new Alarms(this, 'Alarms', props);
    const queueAlarms = new Construct(this, 'Queues');
    props.queues.alarmOnDeadLetters(queueAlarms, props.topic);
    props.queues.alarmOnAge(queueAlarms, props.topic);
    props.mail.alarmOnFeedback(new Construct(this, 'Mail'), props.topic);
  }
}
