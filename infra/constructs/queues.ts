import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES } from '#lib/messaging/queues.ts';
import { QUEUE_NEEDS, type QueueNeed } from '#lib/runtime/needs.ts';
import { runbookReference } from './alarms.ts';

/** The runbook entry of a message in a dead-letter queue (docs/operations.md). */
export const DEAD_LETTER_RUNBOOK = 'dead letters';
/** The runbook entry of a queue whose oldest message is too old. */
export const QUEUE_AGE_RUNBOOK = 'queue age';

/**
 * How old a queue's oldest message may get: confirmations are retried for about half an hour
 * (functions/confirm), so one hour means a stalled worker; deliveries are retried for a day
 * (functions/deliver), so two hours mean a destination or the worker has failed for two hours.
 */
export const OLDEST_MESSAGE_ALARM: Readonly<Record<QueueNeed, Duration>> = { deliveries: Duration.hours(2), confirmations: Duration.hours(1) };

/**
 * The queues of functions/lib/messaging/queues.ts, each with its dead-letter queue. Messages carry
 * case ids only (functions/lib/messaging/message.ts), so SQS-managed encryption at rest suffices:
 * no function needs a KMS grant to send or consume them. TLS is enforced by each queue's policy.
 */
export class Queues extends Construct {
  readonly queues: Readonly<Record<QueueNeed, sqs.Queue>>;
  readonly deadLetters: Readonly<Record<QueueNeed, sqs.Queue>>;
  /** Where a stream trigger puts what it could not handle within the stream's retention (shard positions, no data). */
  readonly streamFailures: sqs.Queue;
  /** Where a rule trigger puts events it could not deliver or its worker failed on after Lambda's retries. */
  readonly ruleFailures: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const queues = {} as Record<QueueNeed, sqs.Queue>;
    const deadLetters = {} as Record<QueueNeed, sqs.Queue>;
    for (const need of QUEUE_NEEDS) {
      const settings = QUEUES[need];
      const name = need[0]?.toUpperCase() + need.slice(1);
      deadLetters[need] = new sqs.Queue(this, `${name}DeadLetters`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      queues[need] = new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(settings.retentionDays),
        deadLetterQueue: { queue: deadLetters[need], maxReceiveCount: settings.maxReceiveCount },
      });
    }
    this.queues = queues;
    this.deadLetters = deadLetters;
    this.streamFailures = this.failureQueue('StreamFailures', 'the stream triggers');
    this.ruleFailures = this.failureQueue('RuleFailures', 'the rule workers and their asynchronous invocations');
  }

  /** A queue that is itself a dead-letter destination: alarmed, never consumed, kept 14 days. */
  private failureQueue(id: string, of: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(queue.node.defaultChild as Construct).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter destination (of ${of}); it is alarmed, not consumed by any function.`,
    });
    return queue;
  }

  /**
   * A queue whose oldest message is older than its workers should ever let it get: the worker is
   * stalled (its trigger disabled, throttled, crashing) or, for deliveries, a destination has been
   * failing that long (retries go on until the retry period ends). The alarms are created in `scope`
   * (the monitoring nested stack, monitoring.ts).
   */
  alarmOnAge(scope: Construct, topic: sns.ITopic): cloudwatch.Alarm[] {
    return QUEUE_NEEDS.map((need) => {
      const limit = OLDEST_MESSAGE_ALARM[need];
      const alarm = new cloudwatch.Alarm(scope, `${need}AgeAlarm`, {
        alarmDescription: `The oldest message of ${need} (${QUEUES[need].description}) waits for more than ${limit.toHumanString()}. ${runbookReference(QUEUE_AGE_RUNBOOK)}`,
        metric: this.queues[need].metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: limit.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(topic));
      return alarm;
    });
  }

  /** A message in any dead-letter queue is an alarm (created in `scope`): a case that was not delivered or confirmed. */
  alarmOnDeadLetters(scope: Construct, topic: sns.ITopic): cloudwatch.Alarm[] {
    const watched = [
      ...QUEUE_NEEDS.map((need) => ({
        id: `${need}DeadLettersAlarm`,
        queue: this.deadLetters[need],
        description: `A message reached the dead-letter queue of ${need} (${QUEUES[need].description}).`,
      })),
      { id: 'StreamFailuresAlarm', queue: this.streamFailures, description: 'A stream record could not be handled by its worker within the stream retention.' },
      { id: 'RuleFailuresAlarm', queue: this.ruleFailures, description: 'An event (a malware scan result) could not be handled by its worker: an upload stays without verdict.' },
    ];
    return watched.map(({ id, queue, description }) => {
      const alarm = new cloudwatch.Alarm(scope, id, {
        alarmDescription: `${description} ${runbookReference(DEAD_LETTER_RUNBOOK)}`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(topic));
      return alarm;
    });
  }
}
