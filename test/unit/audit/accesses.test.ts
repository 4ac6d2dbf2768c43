import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { citizenAccesses } from '#lib/api/audit.ts';
import { accessesOf, isPlaintextAccess } from '#lib/audit/accesses.ts';
import { officeDisplayName } from '#lib/audit/officeNames.ts';
import type { CaseEvent } from '#lib/cases/model.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { statusTokens } from '#lib/status/token.ts';
import { createGetAccesses } from '../../../functions/getAccesses/getAccesses.ts';
import { apiEvent, lambdaContext as context } from '../../support/events.ts';
import { sampleSummary } from '../../support/summaries.ts';

const at = '2026-12-07T10:00:00.000Z';
const events: CaseEvent[] = [
  { at, type: 'case.received', actor: 'citizen', to: 'received' },
  { at, type: 'case.viewed', actor: 'system:confirmation' },
  { at, type: 'case.confirmation_sent', actor: 'system:confirmation' },
  { at, type: 'case.viewed', actor: 'system:delivery' },
  { at, type: 'case.delivered', actor: 'system:delivery' },
  { at, type: 'case.viewed', actor: 'alice' },
  { at, type: 'case.attachment_viewed', actor: 'alice', detail: '01KATTACHMENT' },
  { at, type: 'case.status_changed', actor: 'alice', from: 'received', to: 'in_review' },
  { at, type: 'case.exported', actor: 'bob' },
];

describe("a case's accesses as the citizen sees them", () => {
  it('are the decryptions and the handover, by office or system, never by clerk', () => {
    expect(accessesOf(events, 'Ordnungsamt')).toEqual([
      { at, kind: 'mail', by: 'system' },
      { at, kind: 'delivered', by: 'Ordnungsamt' },
      { at, kind: 'viewed', by: 'Ordnungsamt' },
      { at, kind: 'file-viewed', by: 'Ordnungsamt' },
      { at, kind: 'exported', by: 'Ordnungsamt' },
    ]);
  });

  it("the data-protection officer's report also lists the delivery worker's decryption", () => {
    expect(events.filter(isPlaintextAccess).map((event) => `${event.type} ${event.actor}`)).toEqual([
      'case.viewed system:confirmation',
      'case.viewed system:delivery',
      'case.delivered system:delivery',
      'case.viewed alice',
      'case.attachment_viewed alice',
      'case.exported bob',
    ]);
  });

  it("names an office by the administration's display name, by its id until one is configured", () => {
    const names = { ordnungsamt: { de: 'Ordnungsamt', en: 'Public Order Office' } };
    expect(officeDisplayName(names, 'ordnungsamt', 'en')).toBe('Public Order Office');
    expect(officeDisplayName(names, 'jugendamt', 'de')).toBe('jugendamt');
  });

  it('GET /status/{reference}/accesses answers exactly the documented shape (built without zod)', async () => {
    const summary = sampleSummary();
    const tokens = statusTokens({ digest: async (...parts) => createHmac('sha256', 's'.repeat(32)).update(parts.join('|')).digest() });
    const handler = httpRoute(
      createGetAccesses({
        lookup: { caseOf: async () => summary.caseId, liveCaseOf: async () => ({ summary, expiresAt: 2_000_000_000 }) },
        tokens,
        events: { all: async () => events.map((event, seq) => ({ ...event, seq: seq + 1, hash: 'h' })) },
        officeNames: { ordnungsamt: { de: 'Ordnungsamt', en: 'Public Order Office' } },
      }),
    );
    const answer = await handler(
      apiEvent({ resource: '/status/{reference}/accesses', pathParameters: { reference: summary.reference }, headers: { 'Status-Token': await tokens.issue(summary.caseId) } }),
      context,
    );
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body) as unknown;
    // A strict shape: parse refuses anything it does not name.
    expect(citizenAccesses.parse(body)).toEqual(body);
    expect((body as { items: unknown[] }).items).toHaveLength(5);
  });
});
