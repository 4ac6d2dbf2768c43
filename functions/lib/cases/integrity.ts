import { IntegrityError } from '#lib/crypto/envelope.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { logger } from '#lib/runtime/logger.ts';
import { countIntegrityError } from '#lib/runtime/metrics.ts';

/**
 * Runs work that opens a case's envelope. An authentication failure becomes `500 integrity-error`,
 * with no data, an error log naming the case and the `IntegrityError` metric the stack alarms on.
 */
export async function guardIntegrity<T>(caseId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    logger.error('case failed its integrity check', { caseId, reason: error.message });
    countIntegrityError();
    throw new ProblemError('integrity-error');
  }
}
