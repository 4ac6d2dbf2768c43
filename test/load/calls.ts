import type { CallCounts } from '../../infra/local/callCounts.ts';
import { EVENT_SOURCES } from '../../infra/local/callCounts.ts';

/**
 * The report's AWS calls per submission (infra/local/callCounts.ts, counted by the stack of its
 * own): for the routes and each worker, its invocations and records, and each operation's calls
 * per acknowledged submission; for the workers also per record they handled, since they may not
 * have caught up when the rush ends. The local event sources (stream and queue pollers) are
 * listed apart: in AWS, Lambda's event source mappings make those calls.
 */
export function callsReport(counts: CallCounts, submissions: number): string[] {
  const per = (n: number, of: number) => (of > 0 ? (n / of).toFixed(2) : '–');
  const names = Object.keys(counts).sort((a, b) => (a === EVENT_SOURCES ? 1 : b === EVENT_SOURCES ? -1 : a.localeCompare(b)));
  const lines = [`  AWS calls during the rush, per acknowledged submission (${submissions}):`];
  for (const name of names) {
    const { invocations, records, calls } = counts[name]!;
    const total = Object.values(calls).reduce((sum, n) => sum + n, 0);
    lines.push(
      name === EVENT_SOURCES
        ? `    ${name}: ${total} calls, ${per(total, submissions)} per submission`
        : `    ${name}: ${invocations} invocations, ${records} records; ${total} calls, ${per(total, submissions)} per submission, ${per(total, records)} per record`,
    );
    for (const [operation, n] of Object.entries(calls).sort(([, a], [, b]) => b - a)) {
      lines.push(`      ${operation.padEnd(36)} ${String(n).padStart(7)}  ${per(n, submissions).padStart(6)} per submission  ${per(n, records).padStart(6)} per record`);
    }
  }
  return lines;
}
