import { createHash } from 'node:crypto';
import { eventsTable } from '#lib/cases/tables.ts';

/**
 * The keys an event is stored under (functions/lib/cases/tables.ts, `eventsTable`): its sort key
 * from its `seq`, and its place in the time index that the checkpoint worker and the auditor read.
 */

const SEQ_DIGITS = 10;

export function eventIdOf(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, '0');
}

/** The shard of a case's events in the time index: the same for all of them, spread over cases. */
export function shardOf(caseId: string): number {
  return createHash('sha256').update(caseId, 'utf8').digest()[0]! % eventsTable.timeIndex.shards;
}

/** The hour an RFC 3339 UTC time falls in, as the time index's partitions name it: `2026-12-07T10`. */
export function hourOf(at: string): string {
  return at.slice(0, 13);
}

export function timeIndexKeys(caseId: string, seq: number, at: string): { auditBucket: string; auditSk: string } {
  return { auditBucket: `${hourOf(at)}#${shardOf(caseId)}`, auditSk: `${at}#${caseId}#${eventIdOf(seq)}` };
}

/** The hours from the one of `from` to the one of `to` (inclusive), oldest first. */
export function hoursBetween(from: string, to: string): string[] {
  const hours: string[] = [];
  const last = Date.parse(`${hourOf(to)}:00:00.000Z`);
  for (let t = Date.parse(`${hourOf(from)}:00:00.000Z`); t <= last; t += 3_600_000) hours.push(hourOf(new Date(t).toISOString()));
  return hours;
}
