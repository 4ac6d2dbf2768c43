import { functionsOf, type FunctionTable, type NamedFunction } from '../functions/functions.ts';
import type { StageConfig } from './config.ts';

/**
 * Reserved Lambda concurrency of a stage (`capacity.reservedConcurrency`), derived once for the
 * stack (infra/constructs/releases.ts, synthetic.ts) and the pre-flight (infra/scripts/preflight.ts):
 * the submit function is capped, every clerk function has a share of its own, the synthetic probe
 * one execution. A value of 0 (or no setting) reserves nothing for that kind of function: a new
 * account, whose concurrency quota is small, deploys with 0 and raises the values once AWS has
 * raised the quota.
 */

/** The synthetic probe's name in the reservations (it is no entry of the function table). */
export const PROBE_RESERVATION = 'syntheticProbe';

/** Lambda keeps this many executions of an account unreserved; reservations may never take them. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

/** The reserved concurrency of one function of the table, or undefined when it reserves none. */
export function reservedConcurrencyOf(config: StageConfig, fn: Pick<NamedFunction, 'name' | 'trigger'>): number | undefined {
  const reserved = config.capacity.reservedConcurrency;
  if (!reserved) return undefined;
  const clerkRoute = fn.trigger.kind === 'http' && fn.trigger.access === 'clerk';
  const concurrency = fn.name === 'submit' ? reserved.submit : clerkRoute ? reserved.clerkEach : 0;
  return concurrency > 0 ? concurrency : undefined;
}

/** Every reservation of the stage by function name, the probe's included (it reserves one when anything else does). */
export function reservationsOf(config: StageConfig, table?: FunctionTable): Map<string, number> {
  const reservations = new Map<string, number>();
  for (const fn of functionsOf(table)) {
    const concurrency = reservedConcurrencyOf(config, fn);
    if (concurrency !== undefined) reservations.set(fn.name, concurrency);
  }
  if (reservations.size > 0) reservations.set(PROBE_RESERVATION, 1);
  return reservations;
}

/** The sum of a stage's reservations: what the account's unreserved concurrency must cover, plus Lambda's minimum. */
export function reservedTotal(config: StageConfig, table?: FunctionTable): number {
  return [...reservationsOf(config, table).values()].reduce((sum, value) => sum + value, 0);
}

/** Lambda's SQS event source accepts a maximum concurrency from 2 to 1,000. */
const SQS_MIN_CONCURRENCY = 2;
const SQS_MAX_CONCURRENCY = 1000;

/**
 * How many invocations of a queue worker may run at once (the event source's maximum concurrency):
 * - confirmations: about the account's SES send rate (`confirmationMail.sendRatePerSecond`), one
 *   batch of mails per invocation and second; a throttled send beyond it is a retry (functions/confirm);
 * - deliveries: `capacity.deliveryConcurrency` (each invocation may hold a full batch of 50 MiB cases).
 */
export function queueWorkerConcurrency(config: StageConfig, queue: 'deliveries' | 'confirmations', batchSize: number): number {
  const wanted = queue === 'confirmations' ? Math.ceil(config.confirmationMail.sendRatePerSecond / Math.max(1, batchSize)) : config.capacity.deliveryConcurrency;
  return Math.min(SQS_MAX_CONCURRENCY, Math.max(SQS_MIN_CONCURRENCY, wanted));
}
