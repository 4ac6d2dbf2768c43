import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { VERDICT_OVERDUE_MS } from '#lib/attachments/waitingUploads.ts';
import { INTEGRITY_ERROR_METRIC, MISSING_FILE_METRIC, OVERDUE_UPLOADS_METRIC } from '#lib/runtime/metricNames.ts';
import { has } from '#lib/runtime/needs.ts';
import type { StageConfig } from '../config.ts';
import { rateMs } from '../local/schedules.ts';
import { scheduleExpressionOf } from '../../functions/functions.ts';
import type { DeployedFunction } from './functions.ts';
import { metricsNamespace } from './functions.ts';

export interface AlarmsProps {
  readonly config: StageConfig;
  readonly api: apigw.RestApi;
  readonly functions: readonly DeployedFunction[];
  readonly tables: readonly { readonly id: string; readonly table: dynamodb.Table; readonly indexNames: readonly string[] }[];
  /** The operators' topic (alarmTopic.ts): every alarm notifies it, on alarm and back to OK. */
  readonly topic: sns.ITopic;
  /** Name of the API's WAF web ACL (its BlockedRequests metric). */
  readonly webAclName: string;
  /** The synthetic GET /forms probe (synthetic.ts). */
  readonly probe: lambda.IFunction;
}

/** Where an alarm's mail sends the operator: a heading `## Alarm: <kind>` of docs/operations.md. */
export function runbookReference(kind: string): string {
  return `Runbook: docs/operations.md, "Alarm: ${kind}".`;
}

/**
 * What the HTTP edge logs when a dependency still throttled after the SDK's retries
 * (functions/…/middleware.ts, `problemResponses`); KMS names its throttling `ThrottlingException`.
 * test/infra/observability.test.ts checks that the functions still log exactly this.
 */
export const DEPENDENCY_THROTTLED_MESSAGE = 'dependency throttled';

/** A stream worker this far behind its stream alarms (the stream keeps records 24 hours). */
export const STREAM_AGE_ALARM = Duration.minutes(15);

/** Below this many requests in five minutes, a 5XX rate says nothing (one error in three requests). */
export const MIN_REQUESTS_FOR_ERROR_RATE = 50;


/**
 * What wakes the operators: alarms, sent to the operators' topic (alarmTopic.ts), on
 * the API's 5XX rate (with a minimum volume) and p99 latency, a synthetic probe of GET /forms,
 * integrity errors, Lambda errors and throttles, DynamoDB throttling, KMS request quota use and
 * WAF blocks. Every alarm's description names its runbook entry (test/infra/observability.test.ts).
 */
export class Alarms extends Construct {
  readonly topic: sns.ITopic;
  private readonly byHandler = new Map<string, cloudwatch.Alarm[]>();

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config } = props;

    this.topic = props.topic;
    const notify = new actions.SnsAction(this.topic);
    // `rollsBack`: the handler whose canary rollout this alarm stops.
    const alarm = (alarmId: string, kind: string, alarmProps: cloudwatch.AlarmProps, rollsBack?: string): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        ...alarmProps,
        alarmDescription: `${alarmProps.alarmDescription ?? ''} ${runbookReference(kind)}`,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      if (rollsBack) this.byHandler.set(rollsBack, [...(this.byHandler.get(rollsBack) ?? []), created]);
      return created;
    };
    const fiveMinutes = Duration.minutes(5);

    alarm('Api5xxRate', '5XX rate', {
      alarmDescription: `More than 5 % of API requests answered 5XX in 2 of 3 five-minute periods (counted from ${MIN_REQUESTS_FOR_ERROR_RATE} requests on).`,
      metric: new cloudwatch.MathExpression({
        expression: `IF(requests >= ${MIN_REQUESTS_FOR_ERROR_RATE}, errors / requests, 0)`,
        usingMetrics: {
          errors: props.api.metricServerError({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
          requests: props.api.metricCount({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
        },
        label: '5XX rate (guarded)',
        period: fiveMinutes,
      }),
      threshold: 0.05,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('ApiLatencyP99', 'p99 latency', {
      alarmDescription: 'The slowest 1 % of API requests took more than 3 s in 3 consecutive five-minute periods.',
      metric: props.api.metricLatency({ statistic: 'p99', period: fiveMinutes }),
      threshold: 3000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('SyntheticForms', 'synthetic GET /forms', {
      alarmDescription: 'The synthetic probe could not list the forms (or did not run) in 2 of 3 five-minute periods: citizens cannot start.',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(FILL(runs, 0) < 1, 1, FILL(failures, 0))',
        usingMetrics: {
          runs: props.probe.metricInvocations({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
          failures: props.probe.metricErrors({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
        },
        label: 'Failed or missing probes',
        period: fiveMinutes,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      // No data at all is the worst case: the probe itself is gone.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      // The probe calls the custom domain, which fails until its DNS record exists: the alarm
      // watches from the first deploy but notifies only once the stage file says the name resolves.
      actionsEnabled: !config.customDomain || config.customDomain.dnsReady,
    });

    alarm('KmsRequestQuota', 'KMS request quota', {
      alarmDescription: "The account's symmetric KMS requests reached 80 % of their per-second quota: KMS is about to throttle submissions and reads.",
      metric: new cloudwatch.MathExpression({
        expression: '(calls / 60) / SERVICE_QUOTA(calls) * 100',
        usingMetrics: {
          calls: new cloudwatch.Metric({
            namespace: 'AWS/Usage',
            metricName: 'CallCount',
            dimensionsMap: { Service: 'KMS', Type: 'API', Resource: 'CryptographicOperationsSymmetric', Class: 'None' },
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(1),
          }),
        },
        label: 'KMS symmetric requests, % of quota',
        period: Duration.minutes(1),
      }),
      threshold: 80,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('WafBlocks', 'WAF blocks', {
      alarmDescription: 'The WAF blocked more than 500 requests in five minutes: a flood, or a rule blocking legitimate users.',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: props.webAclName, Region: Stack.of(this).region, Rule: 'ALL' },
        statistic: cloudwatch.Stats.SUM,
        period: fiveMinutes,
      }),
      threshold: 500,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const kmsThrottled: Record<string, cloudwatch.IMetric> = {};
    for (const { name, fn } of props.functions.filter(({ needs }) => has(needs, 'caseKey'))) {
      const filter = new logs.MetricFilter(this, `${name}KmsThrottled`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.all(
          logs.FilterPattern.stringValue('$.message', '=', DEPENDENCY_THROTTLED_MESSAGE),
          logs.FilterPattern.stringValue('$.errorName', '=', 'ThrottlingException'),
        ),
        metricNamespace: metricsNamespace(config.name),
        metricName: `KmsThrottled-${name}`,
        metricValue: '1',
      });
      kmsThrottled[`t${Object.keys(kmsThrottled).length}`] = filter.metric({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes });
    }
    if (Object.keys(kmsThrottled).length > 0) {
      alarm('KmsThrottled', 'KMS throttling', {
        alarmDescription: 'KMS throttled a submission or a case read even after the SDK retries: callers got 429.',
        metric: new cloudwatch.MathExpression({
          expression: Object.keys(kmsThrottled).map((key) => `FILL(${key}, 0)`).join(' + '),
          usingMetrics: kmsThrottled,
          label: 'KMS throttled requests',
          period: fiveMinutes,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    for (const { name, needs, fn, serviceName, trigger } of props.functions) {
      if (needs.caseKey?.includes('kms:Decrypt')) {
        alarm(`${name}IntegrityError`, 'integrity-error', {
          alarmDescription: `A stored case failed authenticated decryption in ${name} (integrity-error): investigate at once.`,
          metric: new cloudwatch.Metric({
            namespace: metricsNamespace(config.name),
            metricName: INTEGRITY_ERROR_METRIC,
            dimensionsMap: { service: serviceName },
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(1),
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }, name);
      }
      if (needs.vault?.includes('s3:PutObjectTagging') && !needs.vault.includes('s3:PutObject')) {
        // The worker that keeps bound files (functions/keepFiles): it tags, and copies nothing in.
        alarm(`${name}BoundFileMissing`, 'bound file missing', {
          alarmDescription: `${name} found a file bound to a case missing from the vault: the case lacks a proof the citizen uploaded.`,
          metric: new cloudwatch.Metric({
            namespace: metricsNamespace(config.name),
            metricName: MISSING_FILE_METRIC,
            dimensionsMap: { service: serviceName },
            statistic: cloudwatch.Stats.SUM,
            period: fiveMinutes,
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
      if (needs.uploadWatch) {
        // The watch runs on its function's schedule and reports every run, 0 included: a period
        // without a report means the watch did not run, which breaches as well.
        const period = trigger.kind === 'schedule' ? Duration.millis(rateMs(scheduleExpressionOf(trigger, config.audit))) : fiveMinutes;
        alarm('UploadsWithoutVerdict', 'uploads without verdict', {
          alarmDescription: `Uploads waited more than ${VERDICT_OVERDUE_MS / 60_000} minutes in quarantine for their malware verdict (or ${name} did not count them): citizens cannot use their files.`,
          metric: new cloudwatch.Metric({
            namespace: metricsNamespace(config.name),
            metricName: OVERDUE_UPLOADS_METRIC,
            dimensionsMap: { service: serviceName },
            statistic: cloudwatch.Stats.MAXIMUM,
            period,
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        });
      }
      alarm(`${name}Errors`, 'function errors', {
        alarmDescription: `${name} failed invocations (unhandled errors or timeouts).`,
        metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }, name);
      if (trigger.kind === 'stream') {
        // A stream worker that falls behind: records wait (keepFiles' bindings, dispatch's queues) and
        // the stream drops what is older than 24 hours.
        alarm(`${name}IteratorAge`, 'stream iterator age', {
          alarmDescription: `${name} is more than ${STREAM_AGE_ALARM.toHumanString()} behind its stream of the ${trigger.table} table.`,
          metric: fn.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: fiveMinutes }),
          threshold: STREAM_AGE_ALARM.toMilliseconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }

    // Throttled invocations of any function of this deployment (one administration per account:
    // the account's own Throttles metric). One alarm, not one per function: a stack holds at most
    // 500 resources; which function it was is on the dashboard and in the function's metrics.
    alarm('FunctionThrottles', 'function throttles', {
      alarmDescription: 'Lambda invocations of this account were throttled (a function reached its reserved or the account concurrency).',
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const { id: tableId, table, indexNames } of props.tables) {
      alarm(`${tableId}Throttling`, 'table throttling', {
        alarmDescription: `Reads or writes on the ${tableId} table or its indexes were throttled.`,
        metric: throttleEvents(table, indexNames),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /**
   * The alarms that stop a rollout of `handler` (releases.ts): its own errors and integrity errors.
   * Not the API's 5XX rate: one function's canary must not be rolled back for another's failures.
   */
  rollbackAlarmsOf(handler: string): cloudwatch.Alarm[] {
    return [...(this.byHandler.get(handler) ?? [])];
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
