import { describe, expect, it } from '@jest/globals';
import { summaryMessage } from '#lib/cases/integrity.ts';
import { sampleSummary } from '../../support/summaries.ts';

const summary = sampleSummary();

describe('the summary MAC message', () => {
  it('leaves out the delivery state, which the delivery worker changes without the data key', () => {
    const before = summaryMessage(summary, 1, []);
    for (const delivery of ['pending', 'delivered', 'failed'] as const) expect(summaryMessage({ ...summary, delivery }, 1, [])).toBe(before);
  });

  it('covers every other summary attribute', () => {
    const before = summaryMessage(summary, 1, []);
    expect(summaryMessage({ ...summary, reference: 'K7QM-4HXT-9CRC' }, 1, [])).not.toBe(before);
    expect(summaryMessage({ ...summary, status: 'approved' }, 1, [])).not.toBe(before);
    expect(summaryMessage({ ...summary, version: 2 }, 1, [])).not.toBe(before);
  });

  it('is the message of cases stored before the delivery state existed', () => {
    // A MAC computed before `delivery` was added must still verify: the message has not changed.
    expect(summaryMessage(summary, 1, [])).toBe(
      JSON.stringify(['egov-forms/summary/v2', summary.caseId, summary.reference, 'fischereischein', 2, 'ordnungsamt', 'received', summary.receivedAt, summary.updatedAt, 1, 1, []]),
    );
  });
});
