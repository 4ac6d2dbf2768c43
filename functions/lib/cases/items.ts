import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CaseStatus, CaseSummary } from './model.ts';
import type { Envelope, SealedPart } from '#lib/crypto/envelope.ts';
import { LIST_SHARDS } from './tables.ts';

/**
 * Item layout of the cases table (docs/data-model.md). One partition per case holds the case item
 * and its notes; reference claims have partitions of their own. Only case items carry the
 * list-index keys, so the indexes stay sparse. Events live in their own table (eventLog.ts).
 */
type Item = Record<string, AttributeValue>;

/** Notes sort right after their case item, so one Query with begins_with(sk, 'CASE') loads both. */
export const NOTE_PREFIX = 'CASE#NOTE#';

export const caseKey = (caseId: string): Item => ({ pk: { S: `CASE#${caseId}` }, sk: { S: 'CASE' } });
export const referenceKey = (reference: string): Item => ({ pk: { S: `REF#${reference}` }, sk: { S: 'REF' } });

/** Spreads one office's (or form's) list entries over LIST_SHARDS index partitions, stably per case. */
export function shardOf(caseId: string): number {
  let sum = 0;
  for (const ch of caseId.slice(-4)) sum += ch.charCodeAt(0);
  return sum % LIST_SHARDS;
}

export const listSortKey = (summary: Pick<CaseSummary, 'receivedAt' | 'caseId'>): string => `${summary.receivedAt}#${summary.caseId}`;

export interface ListScope {
  office: string;
  formId?: string;
  status?: CaseStatus;
}

/** The index and partition key value that serve a list scope, for one shard. */
export function listPartition(scope: ListScope, shard: number): { index: string; attribute: string; value: string } {
  if (scope.formId && scope.status)
    return { index: 'byFormStatus', attribute: 'gsiFormStatus', value: `${scope.office}#${scope.formId}#${scope.status}#${shard}` };
  if (scope.formId) return { index: 'byForm', attribute: 'gsiForm', value: `${scope.office}#${scope.formId}#${shard}` };
  if (scope.status) return { index: 'byOfficeStatus', attribute: 'gsiOfficeStatus', value: `${scope.office}#${scope.status}#${shard}` };
  return { index: 'byOffice', attribute: 'gsiOffice', value: `${scope.office}#${shard}` };
}

/** The four list-index keys of a case in a given status. */
export function listKeys(summary: Pick<CaseSummary, 'caseId' | 'office' | 'formId'>, status: CaseStatus): Item {
  const shard = shardOf(summary.caseId);
  const keys: Item = {};
  for (const scope of [
    { office: summary.office },
    { office: summary.office, status },
    { office: summary.office, formId: summary.formId },
    { office: summary.office, formId: summary.formId, status },
  ]) {
    const { attribute, value } = listPartition(scope, shard);
    keys[attribute] = { S: value };
  }
  return keys;
}

export function sealedAttribute(part: SealedPart): AttributeValue {
  return { M: { v: { N: String(part.v) }, alg: { S: part.alg }, iv: { B: part.iv }, tag: { B: part.tag }, ct: { B: part.ct } } };
}

export function envelopeAttribute(envelope: Envelope): AttributeValue {
  const sealed = sealedAttribute(envelope).M ?? {};
  return { M: { ...sealed, kid: { S: envelope.kid }, edk: { B: envelope.edk } } };
}

export function caseItem(summary: CaseSummary, envelope: Envelope, expiresAt: number): Item {
  return {
    ...caseKey(summary.caseId),
    ...summaryAttributes(summary),
    ...listKeys(summary, summary.status),
    listSk: { S: listSortKey(summary) },
    expiresAt: { N: String(expiresAt) },
    envelope: envelopeAttribute(envelope),
  };
}

export function summaryAttributes(summary: CaseSummary): Item {
  return {
    caseId: { S: summary.caseId },
    reference: { S: summary.reference },
    formId: { S: summary.formId },
    formVersion: { N: String(summary.formVersion) },
    office: { S: summary.office },
    status: { S: summary.status },
    receivedAt: { S: summary.receivedAt },
    updatedAt: { S: summary.updatedAt },
    version: { N: String(summary.version) },
  };
}

export function noteItem(caseId: string, noteId: string, at: string, actor: string, sealed: SealedPart, expiresAt: number): Item {
  return {
    pk: { S: `CASE#${caseId}` },
    sk: { S: `${NOTE_PREFIX}${noteId}` },
    noteId: { S: noteId },
    at: { S: at },
    actor: { S: actor },
    note: sealedAttribute(sealed),
    expiresAt: { N: String(expiresAt) },
  };
}

// ---- reading items back -------------------------------------------------------------------

function s(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`stored item lacks ${name}`);
  return value;
}

function n(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new Error(`stored item lacks ${name}`);
  return Number(value);
}

export function readSummary(item: Item): CaseSummary {
  return {
    caseId: s(item, 'caseId'),
    reference: s(item, 'reference'),
    formId: s(item, 'formId'),
    formVersion: n(item, 'formVersion'),
    office: s(item, 'office'),
    status: s(item, 'status') as CaseStatus,
    receivedAt: s(item, 'receivedAt'),
    updatedAt: s(item, 'updatedAt'),
    version: n(item, 'version'),
  };
}

function bytes(map: Item, name: string): Uint8Array {
  const value = map[name]?.B;
  if (value === undefined) throw new Error(`stored envelope lacks ${name}`);
  return value;
}

export function readSealed(attribute: AttributeValue | undefined): SealedPart {
  const map = attribute?.M;
  if (!map) throw new Error('stored item lacks its ciphertext');
  return { v: n(map, 'v'), alg: s(map, 'alg'), iv: bytes(map, 'iv'), tag: bytes(map, 'tag'), ct: bytes(map, 'ct') };
}

export function readEnvelope(attribute: AttributeValue | undefined): Envelope {
  const map = attribute?.M ?? {};
  return { ...readSealed(attribute), kid: s(map, 'kid'), edk: bytes(map, 'edk') };
}
