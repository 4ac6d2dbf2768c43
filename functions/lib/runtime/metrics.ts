import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { INTEGRITY_ERROR_METRIC, MISSING_FILE_METRIC, OVERDUE_UPLOADS_METRIC } from './metricNames.ts';

/** CloudWatch metrics as embedded-metric-format log lines (namespace and service from Powertools' env). */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'EgovForms' });

/** An envelope failed authentication: the stack alarms on any of these. */
export function countIntegrityError(): void {
  metrics.addMetric(INTEGRITY_ERROR_METRIC, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/** A bound file was not in the vault: the stack alarms on any of these. */
export function countMissingFile(): void {
  metrics.addMetric(MISSING_FILE_METRIC, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/** How many uploads wait longer than they should for their verdict (0 included): the stack alarms on one. */
export function reportOverdueUploads(count: number): void {
  metrics.addMetric(OVERDUE_UPLOADS_METRIC, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
}
