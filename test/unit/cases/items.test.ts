import { describe, expect, it } from '@jest/globals';
import { caseItem, listKeys, listPartition, noteItem, readCaseItem, readEnvelope, readSealed, readSummary, shardOf } from '#lib/cases/items.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { casesTable, LIST_SHARDS, SUMMARY_ATTRIBUTES } from '#lib/cases/tables.ts';
import { ENVELOPE_VERSION, type Envelope } from '#lib/crypto/envelope.ts';
import { sampleSummary } from '../../support/summaries.ts';

const summary = sampleSummary();
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const mac = bytes(32, 9);
const envelope: Envelope = { v: ENVELOPE_VERSION, alg: 'AES-256-GCM', iv: bytes(12, 1), tag: bytes(16, 2), ct: bytes(5, 3), kid: 'arn:aws:kms:eu-central-1:1:key/k', edk: bytes(40, 4) };

describe('case items', () => {
  it('store the summary so that it reads back identical, with every summary attribute', () => {
    const delivered: CaseSummary = { ...summary, delivery: 'delivered' };
    const item = caseItem(delivered, envelope, 1_900_000_000, mac);
    expect(readSummary(item)).toEqual(delivered);
    expect(Object.keys(item)).toEqual(expect.arrayContaining([...SUMMARY_ATTRIBUTES]));
  });

  it('leave out a delivery state that is not set, and read its absence back as null', () => {
    const item = caseItem(summary, envelope, 1_900_000_000, mac);
    expect(item).not.toHaveProperty('delivery');
    expect(readSummary(item).delivery).toBeNull();
  });

  it('refuse to read an unknown delivery state', () => {
    expect(() => readSummary({ ...caseItem(summary, envelope, 1, mac), delivery: { S: 'lost' } })).toThrow('unknown delivery state');
  });

  it('store the envelope so that it reads back identical', () => {
    expect(readEnvelope(caseItem(summary, envelope, 1, mac).envelope)).toEqual(envelope);
  });

  it.each([
    ['an older version', { v: ENVELOPE_VERSION - 1 }],
    ['a newer version', { v: ENVELOPE_VERSION + 1 }],
    ['another algorithm', { alg: 'AES-128-GCM' }],
  ])('refuse an envelope or a note of an unknown format (%s) as damage, also when read without the ciphertext', (_, change) => {
    const item = caseItem(summary, { ...envelope, ...change }, 1, mac);
    expect(() => readCaseItem(summary.caseId, item)).toThrow(IntegrityError);
    expect(() => readCaseItem(summary.caseId, item, { withoutCiphertext: true })).toThrow(IntegrityError);
    expect(() => readSealed(noteItem(summary.caseId, '01JDZ8Q6W4X3Y2Z1A0B9C8D7E6', summary.receivedAt, 'alice', { ...envelope, ...change }, 1).note)).toThrow('unknown envelope format');
  });

  it('carry one key for every list index, and the sort key', () => {
    const item = caseItem(summary, envelope, 1, mac);
    for (const index of casesTable.indexes) expect(item[index.partitionKey]?.S).toBeDefined();
    expect(item.listSk?.S).toBe(`${summary.receivedAt}#${summary.caseId}`);
  });

  it('are found by every list scope they belong to, in their shard', () => {
    const keys = listKeys(summary, 'received');
    const shard = shardOf(summary.caseId);
    for (const scope of [
      { office: 'ordnungsamt' },
      { office: 'ordnungsamt', status: 'received' as const },
      { office: 'ordnungsamt', formId: 'fischereischein' },
      { office: 'ordnungsamt', formId: 'fischereischein', status: 'received' as const },
    ]) {
      const { attribute, value } = listPartition(scope, shard);
      expect({ scope, value: keys[attribute]?.S }).toEqual({ scope, value });
    }
  });

  it('move to the status lists of their new status and stay in the others', () => {
    const before = listKeys(summary, 'received');
    const after = listKeys(summary, 'in_review');
    expect(after.gsiOffice).toEqual(before.gsiOffice);
    expect(after.gsiForm).toEqual(before.gsiForm);
    expect(after.gsiOfficeStatus?.S).toBe(`ordnungsamt#in_review#${shardOf(summary.caseId)}`);
    expect(after.gsiFormStatus?.S).toBe(`ordnungsamt#fischereischein#in_review#${shardOf(summary.caseId)}`);
  });

  it('spread over the shards stably per case', () => {
    const shards = new Set(['01JDZ8Q6W4X3Y2Z1A0B9C8D7E6', '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7', '01JDZ8Q6W4X3Y2Z1A0B9C8D7E8', '01JDZ8Q6W4X3Y2Z1A0B9C8D7E9'].map(shardOf));
    expect(shards.size).toBe(LIST_SHARDS);
    expect(shardOf(summary.caseId)).toBe(shardOf(summary.caseId));
  });

  it('refuse to read a summary that lacks an attribute or has an unknown status', () => {
    const { office: _office, ...withoutOffice } = caseItem(summary, envelope, 1, mac);
    expect(() => readSummary(withoutOffice)).toThrow('stored item lacks office');
    expect(() => readSummary({ ...caseItem(summary, envelope, 1, mac), status: { S: 'approved-by-hand' } })).toThrow('unknown status');
  });

  it('keep notes in the case partition, sorted after the case item, with their sealed text', () => {
    const note = noteItem(summary.caseId, '01JDZ9AAAAAAAAAAAAAAAAAAAA', '2026-11-28T08:00:00.000Z', 'alice', envelope, 1);
    expect(note.pk).toEqual(caseItem(summary, envelope, 1, mac).pk);
    expect(note.sk?.S).toBe('CASE#NOTE#01JDZ9AAAAAAAAAAAAAAAAAAAA');
    expect(readSealed(note.note)).toEqual({ v: ENVELOPE_VERSION, alg: 'AES-256-GCM', iv: envelope.iv, tag: envelope.tag, ct: envelope.ct });
  });

  it('read back whole as the case they name, with their MAC and expiry', () => {
    expect(readCaseItem(summary.caseId, caseItem(summary, envelope, 1_900_000_000, mac))).toEqual({ summary, envelope, expiresAt: 1_900_000_000, mac });
  });

  it.each([
    ['no envelope', (item: Record<string, unknown>) => delete item.envelope],
    ['an envelope without its tag', (item: Record<string, { M?: Record<string, unknown> }>) => delete item.envelope!.M!.tag],
    ['an envelope without its wrapped key', (item: Record<string, { M?: Record<string, unknown> }>) => delete item.envelope!.M!.edk],
    ['a key id of the wrong type', (item: Record<string, { M?: Record<string, unknown> }>) => (item.envelope!.M!.kid = { N: '1' })],
    ['the envelope as a string', (item: Record<string, unknown>) => (item.envelope = { S: 'x' })],
    ['no summary MAC', (item: Record<string, unknown>) => delete item.summaryMac],
    ['no office', (item: Record<string, unknown>) => delete item.office],
    ['a version that is not a number', (item: Record<string, unknown>) => (item.version = { N: 'x' })],
  ])('are an integrity error naming the case when damaged: %s', (_, damage) => {
    const item = structuredClone(caseItem(summary, envelope, 1, mac));
    damage(item as never);
    const error = (() => {
      try {
        readCaseItem(summary.caseId, item);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).caseId).toBe(summary.caseId);
  });

  it('are an integrity error when they name another case', () => {
    expect(() => readCaseItem('01JDZ8Q6W4X3Y2Z1A0B9C8D7E7', caseItem(summary, envelope, 1, mac))).toThrow(IntegrityError);
  });
});
