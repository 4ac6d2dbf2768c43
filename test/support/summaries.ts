import type { CaseSummary } from '#lib/cases/model.ts';

/** A case summary for unit tests that need one stored or sealed case; fields can be overridden. */
export function sampleSummary(overrides: Partial<CaseSummary> = {}): CaseSummary {
  return {
    caseId: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E6',
    reference: 'K7QM-4HXT-9CRB',
    formId: 'fischereischein',
    formVersion: 2,
    office: 'ordnungsamt',
    status: 'received',
    receivedAt: '2026-11-27T13:35:10.123Z',
    updatedAt: '2026-11-27T13:35:10.123Z',
    version: 1,
    delivery: null,
    ...overrides,
  };
}
