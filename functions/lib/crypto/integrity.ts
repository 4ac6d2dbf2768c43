/**
 * A stored case failed its integrity check: an authentication tag or MAC that does not verify, a
 * key or context that does not belong to the case, or an item that is missing or malformed where
 * the case needs it. The HTTP edge answers it as `500 integrity-error` with no data, logs it with
 * the case id and counts it (the stack alarms on the first one).
 */
export class IntegrityError extends Error {
  readonly caseId: string | undefined;

  constructor(reason: string, caseId?: string) {
    super(reason);
    this.name = 'IntegrityError';
    this.caseId = caseId;
  }
}
