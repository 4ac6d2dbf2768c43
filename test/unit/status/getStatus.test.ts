import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { apiEvent, lambdaContext as context } from '../../support/events.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { citizenStatus } from '#lib/api/schemas.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import type { StatusLookup } from '#lib/status/lookup.ts';
import { statusTokens } from '#lib/status/token.ts';
import { createGetStatus } from '../../../functions/getStatus/getStatus.ts';

// The status story with an in-memory lookup: what a citizen learns, and that nothing tells an
// unknown reference from a wrong token.
let hmacCalls = 0;
const tokens = statusTokens({
  digest: async (...parts) => {
    hmacCalls++;
    const mac = createHmac('sha256', 's'.repeat(32));
    for (const part of parts) mac.update(`${part.length}:${part};`);
    return mac.digest();
  },
});

const summary: CaseSummary = {
  caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NB',
  reference: 'K7QM-4HXT-9CRB',
  formId: 'fischereischein',
  formVersion: 2,
  office: 'ordnungsamt',
  status: 'in_review',
  receivedAt: '2026-11-27T13:35:10.123Z',
  updatedAt: '2026-11-28T08:00:00.000Z',
  version: 2,
  delivery: null,
};

/** The case's events: receipt, views (not status changes), a change of status. */
const events = {
  all: async (caseId: string) =>
    caseId === summary.caseId
      ? [
          { at: summary.receivedAt, type: 'case.received' as const, actor: 'citizen', to: 'received' as const, seq: 1, hash: 'a' },
          { at: '2026-11-28T07:00:00.000Z', type: 'case.viewed' as const, actor: 'alice', seq: 2, hash: 'b' },
          { at: summary.updatedAt, type: 'case.status_changed' as const, actor: 'alice', from: 'received' as const, to: 'in_review' as const, seq: 3, hash: 'c' },
        ]
      : [],
};

function fakeLookup() {
  const reads: string[] = [];
  const lookup: StatusLookup = {
    caseOf: async (reference) => {
      reads.push(`ref:${reference}`);
      return reference === summary.reference ? summary.caseId : undefined;
    },
    liveCaseOf: async (caseId) => {
      reads.push(`case:${caseId}`);
      return caseId === summary.caseId ? { summary, expiresAt: 2_000_000_000 } : undefined;
    },
  };
  return { lookup, reads };
}

const ask = (reference: string, headers: Record<string, string>) =>
  apiEvent({ resource: '/status/{reference}', pathParameters: { reference }, headers, requestId: 'req-s' });

describe('status story', () => {
  it('answers status, times and the status changes only, not to be cached, for the right token', async () => {
    const { lookup } = fakeLookup();
    const answer = await httpRoute(createGetStatus({ lookup, tokens, events }))(ask(summary.reference, { 'Status-Token': await tokens.issue(summary.caseId) }), context);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual({
      reference: summary.reference,
      formId: summary.formId,
      status: 'in_review',
      receivedAt: summary.receivedAt,
      updatedAt: summary.updatedAt,
      history: [
        { at: summary.receivedAt, status: 'received' },
        { at: summary.updatedAt, status: 'in_review' },
      ],
    });
    // The handler builds its answer without zod: it must still be the documented shape, nothing more.
    expect(citizenStatus.strict().parse(JSON.parse(answer.body))).toEqual(JSON.parse(answer.body));
    expect(answer.body).not.toContain('ordnungsamt');
    expect(answer.body).not.toContain('alice');
    expect(answer.body).not.toContain(summary.caseId);
  });

  it('answers a wrong token, another case\'s token, an unknown and a malformed reference with the same 404, reading the case item for none', async () => {
    const { lookup, reads } = fakeLookup();
    const handler = httpRoute(createGetStatus({ lookup, tokens, events }));
    const right = await tokens.issue(summary.caseId);
    const bodies: string[] = [];
    const work: { reads: number; hmacs: number }[] = [];
    for (const [reference, token] of [
      [summary.reference, 'x'.repeat(43)],
      [summary.reference, await tokens.issue('01JD3ZK8Y2V7Q9W4X6T5R3M1NC')],
      ['ABCD-EFGH-JKMN', right],
      ['not a reference', right],
    ] as const) {
      const [readsBefore, hmacsBefore] = [reads.length, hmacCalls];
      const answer = await handler(ask(reference, { 'Status-Token': token }), context);
      work.push({ reads: reads.length - readsBefore, hmacs: hmacCalls - hmacsBefore });
      expect(answer.statusCode).toBe(404);
      expect(answer.headers['Content-Type']).toMatch(/^application\/problem\+json/);
      bodies.push(answer.body);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(reads.filter((read) => read.startsWith('case:'))).toEqual([]);
    // The same work for each well-formed reference, known or not: one read of the reference, one HMAC
    // (a malformed reference skips the read: it can name no case, and says so by its shape alone).
    expect(work).toEqual([
      { reads: 1, hmacs: 1 },
      { reads: 1, hmacs: 1 },
      { reads: 1, hmacs: 1 },
      { reads: 0, hmacs: 1 },
    ]);
  });

  it('asks for the Status-Token header', async () => {
    const { lookup } = fakeLookup();
    const answer = await httpRoute(createGetStatus({ lookup, tokens, events }))(ask(summary.reference, {}), context);
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).errors).toEqual([expect.objectContaining({ header: 'status-token' })]);
  });

  it('answers 404 when the reference outlives its case (expired between the two reads)', async () => {
    const { lookup } = fakeLookup();
    const gone: StatusLookup = { ...lookup, liveCaseOf: async () => undefined };
    const answer = await httpRoute(createGetStatus({ lookup: gone, tokens, events }))(ask(summary.reference, { 'Status-Token': await tokens.issue(summary.caseId) }), context);
    expect(answer.statusCode).toBe(404);
  });

  it('answers 404 when the reference claim names a case of another reference (a damaged claim)', async () => {
    const { lookup } = fakeLookup();
    const other: StatusLookup = { ...lookup, caseOf: async () => summary.caseId };
    const answer = await httpRoute(createGetStatus({ lookup: other, tokens, events }))(ask('ABCD-EFGH-JKMN', { 'Status-Token': await tokens.issue(summary.caseId) }), context);
    expect(answer.statusCode).toBe(404);
    const right = await httpRoute(createGetStatus({ lookup: other, tokens, events }))(ask(summary.reference, { 'Status-Token': await tokens.issue(summary.caseId) }), context);
    expect(right.statusCode).toBe(200);
  });
});
