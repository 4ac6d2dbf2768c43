import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import type { DeployedFunction } from './functions.ts';
import { metricsNamespace } from './functions.ts';

export interface AlarmsProps {
  readonly config: StageConfig;
  readonly api: apigw.RestApi;
  readonly functions: readonly DeployedFunction[];
  readonly tables: readonly { readonly id: string; readonly table: dynamodb.Table; readonly indexNames: readonly string[] }[];
  readonly topicKey: kms.IKey;
}

/** The metric the envelope code emits when a stored case fails authenticated decryption. */
export const INTEGRITY_ERROR_METRIC = 'IntegrityError';

/**
 * What wakes the operators: an encrypted SNS topic mailing the configured address, and alarms on
 * API 5XX rate, integrity errors, Lambda errors and throttles, DynamoDB throttling.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config } = props;

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `egov-forms ${config.stage} alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      return created;
    };

    alarm('Api5xxRate', {
      alarmDescription: 'More than 5 % of API requests answered 5XX in 2 of 3 five-minute periods.',
      metric: props.api.metricServerError({ statistic: cloudwatch.Stats.AVERAGE, period: Duration.minutes(5) }),
      threshold: 0.05,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const { name, needs, fn, serviceName } of props.functions) {
      if (needs.caseKey?.includes('kms:Decrypt')) {
        alarm(`${name}IntegrityError`, {
          alarmDescription: `A stored case failed authenticated decryption in ${name} (integrity-error): investigate at once.`,
          metric: new cloudwatch.Metric({
            namespace: metricsNamespace(config.stage),
            metricName: INTEGRITY_ERROR_METRIC,
            dimensionsMap: { service: serviceName },
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(1),
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
      alarm(`${name}Errors`, {
        alarmDescription: `${name} failed invocations (unhandled errors or timeouts).`,
        metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}Throttles`, {
        alarmDescription: `${name} invocations were throttled (concurrency limit reached).`,
        metric: fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    for (const { id: tableId, table, indexNames } of props.tables) {
      alarm(`${tableId}Throttling`, {
        alarmDescription: `Reads or writes on the ${tableId} table or its indexes were throttled.`,
        metric: throttleEvents(table, indexNames),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }
}

/** Read and write throttle events of a table and each of its global secondary indexes, summed. */
function throttleEvents(table: dynamodb.Table, indexNames: readonly string[]): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  const scopes: Record<string, string>[] = [
    { TableName: table.tableName },
    ...indexNames.map((indexName) => ({ TableName: table.tableName, GlobalSecondaryIndexName: indexName })),
  ];
  scopes.forEach((dimensionsMap, index) => {
    for (const [prefix, metricName] of [['r', 'ReadThrottleEvents'], ['w', 'WriteThrottleEvents']] as const) {
      usingMetrics[`${prefix}${index}`] = new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap,
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      });
    }
  });
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).map((key) => `FILL(${key}, 0)`).join(' + '),
    usingMetrics,
    label: 'Throttle events',
    period: Duration.minutes(5),
  });
}
