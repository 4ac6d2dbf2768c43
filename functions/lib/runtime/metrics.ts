import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** CloudWatch metrics as embedded-metric-format log lines (namespace and service from Powertools' env). */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'EgovForms' });

/** An envelope failed authentication: the stack alarms on any of these. */
export function countIntegrityError(): void {
  metrics.addMetric('IntegrityError', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
