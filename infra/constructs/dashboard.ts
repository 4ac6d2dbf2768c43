import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { DeployedFunction } from './functions.ts';

export interface DashboardProps {
  readonly stage: string;
  readonly api: apigw.RestApi;
  readonly functions: readonly DeployedFunction[];
  readonly tables: readonly { readonly id: string; readonly table: dynamodb.Table }[];
  readonly webAclName: string;
}

/**
 * One CloudWatch dashboard per stage file, `egov-forms-<name>`: what the on-call person looks at first
 * (docs/operations.md, "Dashboard"): traffic and errors, latency, functions, tables, WAF.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const sum = { statistic: cloudwatch.Stats.SUM, period };
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `egov-forms-${props.stage}` });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests, 4XX, 5XX',
        left: [props.api.metricCount(sum), props.api.metricClientError(sum), props.api.metricServerError(sum)],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency p50 / p99 (ms)',
        left: [props.api.metricLatency({ statistic: 'p50', period }), props.api.metricLatency({ statistic: 'p99', period })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: props.functions.map(({ name, fn }) => fn.metricErrors({ ...sum, label: name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function throttles',
        left: props.functions.map(({ name, fn }) => fn.metricThrottles({ ...sum, label: name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function concurrency (max)',
        left: props.functions.map(({ name, fn }) =>
          fn.metric('ConcurrentExecutions', { statistic: cloudwatch.Stats.MAXIMUM, period, label: name }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Table write units consumed (per 5 min)',
        left: props.tables.map(({ id: tableId, table }) => table.metricConsumedWriteCapacityUnits({ ...sum, label: tableId })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'WAF allowed / blocked',
        left: ['AllowedRequests', 'BlockedRequests'].map(
          (metricName) =>
            new cloudwatch.Metric({
              namespace: 'AWS/WAFV2',
              metricName,
              dimensionsMap: { WebACL: props.webAclName, Region: Stack.of(this).region, Rule: 'ALL' },
              ...sum,
            }),
        ),
        width: 12,
      }),
    );
  }
}
