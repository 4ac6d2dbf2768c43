import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { eventHash, nextLink, type ChainLink } from '#lib/audit/chain.ts';
import { eventIdOf } from '#lib/audit/chainKeys.ts';
import { objectKeyOf, SIGNING_ALGORITHM, signedBytes, type CheckpointBody, type CheckpointDocument } from '#lib/audit/checkpoint.ts';
import { signatureHolds } from '#lib/audit/signature.ts';
import { verifyAudit, type LoadedCheckpoint, type StoredEvent } from '#lib/audit/verify.ts';
import { checkpointOver, type IndexedEvent } from '#lib/audit/window.ts';
import type { CaseEvent } from '#lib/cases/model.ts';

// A small store in memory: two cases' chains, three signed checkpoints over them; each test
// tampers with a copy in one way and expects `verify` to name exactly that.

const NOW = new Date('2026-12-07T12:00:00.000Z');
const LATER = Math.floor(Date.parse('2028-12-07T00:00:00.000Z') / 1000);
const PAST = Math.floor(Date.parse('2026-12-01T00:00:00.000Z') / 1000);
const auditKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

type Stored = StoredEvent & { expiresAt: number };

function chainOf(caseId: string, events: CaseEvent[], expiresAt: number): Stored[] {
  let head: ChainLink | undefined;
  return events.map((event) => {
    head = nextLink(caseId, event, head);
    return { ...event, ...head, eventId: eventIdOf(head.seq), expiresAt };
  });
}

const A = '01KAAAAAAAAAAAAAAAAAAAAAAA';
const B = '01KBBBBBBBBBBBBBBBBBBBBBBB';
const C = '01KCCCCCCCCCCCCCCCCCCCCCCC';
const at = (minute: number) => new Date(Date.parse('2026-12-07T10:00:00.000Z') + minute * 60_000).toISOString();

function store(): Map<string, Stored[]> {
  return new Map([
    [A, chainOf(A, [
      { at: at(1), type: 'case.received', actor: 'citizen', to: 'received' },
      { at: at(2), type: 'case.viewed', actor: 'alice' },
      { at: at(6), type: 'case.status_changed', actor: 'alice', from: 'received', to: 'in_review' },
      { at: at(7), type: 'case.viewed', actor: 'alice' },
      { at: at(11), type: 'case.attachment_viewed', actor: 'bob', detail: 'att-1' },
    ], LATER)],
    [B, chainOf(B, [
      { at: at(3), type: 'case.received', actor: 'citizen', to: 'received' },
      { at: at(8), type: 'case.viewed', actor: 'system:confirmation' },
    ], LATER)],
    [C, chainOf(C, [
      { at: at(4), type: 'case.received', actor: 'citizen', to: 'received' },
      { at: at(9), type: 'case.viewed', actor: 'carol' },
    ], PAST)],
  ]);
}

function signed(body: CheckpointBody, leaves: CheckpointDocument['leaves'], key: KeyObject = auditKey.privateKey): CheckpointDocument {
  const signature = sign('sha256', signedBytes(body), { key, dsaEncoding: 'der' }).toString('base64');
  return { checkpoint: body, keyId: 'test', algorithm: SIGNING_ALGORITHM, signature, leaves };
}

/** Three checkpoints, [10:00, 10:05), [10:05, 10:10), [10:10, 10:15), as the worker makes them. */
function checkpoints(chains: Map<string, Stored[]>): CheckpointDocument[] {
  const indexed: IndexedEvent[] = [...chains].flatMap(([caseId, events]) => events.map((e) => ({ caseId, seq: e.seq, hash: e.hash, expiresAt: e.expiresAt, at: e.at })));
  const documents: CheckpointDocument[] = [];
  for (const [from, to] of [[at(0), at(5)], [at(5), at(10)], [at(10), at(15)]] as const) {
    const { body, leaves } = checkpointOver(documents.at(-1)?.checkpoint, from, to, indexed);
    documents.push(signed(body, leaves));
  }
  return documents;
}

const loaded = (documents: CheckpointDocument[]): LoadedCheckpoint[] =>
  documents.map((document) => ({ key: objectKeyOf(document.checkpoint.from), document, signatureValid: signatureHolds(auditKey.publicKey, document.checkpoint, document.signature) }));

function verdict(chains: Map<string, Stored[]>, documents: LoadedCheckpoint[] = loaded(checkpoints(store()))) {
  return verifyAudit({ checkpoints: documents, chains, now: NOW });
}
const named = (result: ReturnType<typeof verdict>) => result.findings.map(({ kind, caseId, seq, checkpoint }) => ({ kind, caseId, seq, checkpoint }));

describe('npm run audit -- verify', () => {
  it('finds nothing wrong with an untouched store, and counts every event as verified', () => {
    const result = verdict(store());
    expect(result.findings).toEqual([]);
    expect(result.verified).toBe(9);
    expect(result.checkpoints).toBe(3);
  });

  it('names an event deleted from the middle of a chain', () => {
    const chains = store();
    chains.set(A, chains.get(A)!.filter((event) => event.seq !== 2));
    expect(named(verdict(chains))).toEqual([{ kind: 'event-deleted', caseId: A, seq: 2, checkpoint: undefined }]);
  });

  it('names an event deleted from the end of a chain, which only the checkpoint still holds', () => {
    const chains = store();
    chains.set(A, chains.get(A)!.slice(0, 4));
    expect(named(verdict(chains))).toEqual([{ kind: 'event-deleted', caseId: A, seq: 5, checkpoint: undefined }]);
  });

  it('names an event whose field was altered, with or without its hash recomputed', () => {
    const chains = store();
    chains.set(A, chains.get(A)!.map((event) => (event.seq === 3 ? { ...event, actor: 'mallory' } : event)));
    expect(named(verdict(chains))).toEqual([{ kind: 'event-altered', caseId: A, seq: 3, checkpoint: undefined }]);

    const rehashed = store();
    const events = rehashed.get(B)!;
    const forged = { ...events[1]!, actor: 'mallory' };
    events[1] = { ...forged, hash: eventHash(B, forged, 2, events[0]!.hash) };
    expect(named(verdict(rehashed))).toEqual([{ kind: 'event-altered', caseId: B, seq: 2, checkpoint: undefined }]);
  });

  it('names an event inserted into a checkpointed period, even with a correct chain link', () => {
    const chains = store();
    const events = chains.get(B)!;
    const inserted: CaseEvent = { at: at(9), type: 'case.viewed', actor: 'mallory' };
    events.push({ ...inserted, ...nextLink(B, inserted, events.at(-1)), eventId: eventIdOf(3), expiresAt: LATER });
    expect(named(verdict(chains))).toEqual([{ kind: 'event-inserted', caseId: B, seq: 3, checkpoint: undefined }]);
  });

  it('names events stored out of their order', () => {
    const chains = store();
    const events = chains.get(A)!;
    const [second, third] = [events[1]!, events[2]!];
    events[1] = { ...third, eventId: second.eventId };
    events[2] = { ...second, eventId: third.eventId };
    expect(named(verdict(chains)).map((finding) => finding.kind)).toContain('event-reordered');
    expect(verdict(chains).findings.every((finding) => finding.caseId === A)).toBe(true);
  });

  it('counts the events of an expired case that retention removed, and calls nothing tampering', () => {
    const chains = store();
    chains.delete(C);
    const result = verdict(chains);
    expect(result.findings).toEqual([]);
    expect(result.retained).toBe(2);
  });

  it('calls the same removal a deletion while the case has not expired', () => {
    const chains = store();
    chains.delete(B);
    expect(named(verdict(chains))).toEqual([
      { kind: 'event-deleted', caseId: B, seq: 1, checkpoint: undefined },
      { kind: 'event-deleted', caseId: B, seq: 2, checkpoint: undefined },
    ]);
  });

  it('names an old checkpoint replayed under a later name', () => {
    const documents = loaded(checkpoints(store()));
    documents[2] = { ...documents[0]!, key: documents[2]!.key };
    const kinds = named(verdict(store(), documents));
    expect(kinds).toContainEqual({ kind: 'checkpoint-replayed', caseId: undefined, seq: undefined, checkpoint: objectKeyOf(at(10)) });
  });

  it('names a checkpoint signed with another key', () => {
    const documents = checkpoints(store());
    documents[1] = signed(documents[1]!.checkpoint, documents[1]!.leaves, otherKey.privateKey);
    expect(named(verdict(store(), loaded(documents)))).toContainEqual({ kind: 'checkpoint-forged', caseId: undefined, seq: undefined, checkpoint: objectKeyOf(at(5)) });
  });

  it('names a checkpoint missing from the bucket', () => {
    const documents = loaded(checkpoints(store()));
    const result = verdict(store(), [documents[0]!, documents[2]!]);
    expect(named(result)).toContainEqual({ kind: 'checkpoint-missing', caseId: undefined, seq: undefined, checkpoint: objectKeyOf(at(10)) });
  });

  it('names a checkpoint whose leaves were changed after signing', () => {
    const documents = checkpoints(store());
    documents[0] = { ...documents[0]!, leaves: documents[0]!.leaves.slice(1) };
    expect(named(verdict(store(), loaded(documents)))).toContainEqual({ kind: 'checkpoint-forged', caseId: undefined, seq: undefined, checkpoint: objectKeyOf(at(0)) });
  });

  it('checks only one case with --case', () => {
    const chains = store();
    chains.delete(B);
    expect(verifyAudit({ checkpoints: loaded(checkpoints(store())), chains, now: NOW, scope: { caseId: A } }).findings).toEqual([]);
  });
});
