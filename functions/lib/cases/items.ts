import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CASE_STATUSES, DELIVERY_STATES, type CaseStatus, type CaseSummary } from './model.ts';
import { ALGORITHM, ENVELOPE_VERSION, type Envelope, type SealedPart } from '#lib/crypto/envelope.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { casesTable, citizenIndex, LIST_FILTERS, LIST_SHARDS, LIST_SORT_KEY, SUMMARY_ATTRIBUTE_TYPES, SUMMARY_ATTRIBUTES } from './tables.ts';

/**
 * Item layout of the cases table (docs/data-model.md). One partition per case holds the case item
 * and its notes; reference claims have partitions of their own. Only case items carry the
 * list-index keys, so the indexes stay sparse. Events live in their own table (eventLog.ts).
 */
type Item = Record<string, AttributeValue>;

/** Notes sort right after their case item, so one Query with begins_with(sk, 'CASE') loads both. */
export const NOTE_PREFIX = 'CASE#NOTE#';

/** The partition of a case: its case item and its notes. */
export const casePartition = (caseId: string): AttributeValue => ({ S: `CASE#${caseId}` });
/** The case id of a case partition's key (casePartition's inverse); undefined for any other key. */
export const caseIdOfPartition = (pk: string | undefined): string | undefined => (pk?.startsWith('CASE#') ? pk.slice('CASE#'.length) : undefined);
export const caseItemKey = (caseId: string): Item => ({ pk: casePartition(caseId), sk: { S: 'CASE' } });
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

/**
 * The index and partition key value that serve a list scope, for one shard: the index whose
 * filters are exactly the scope's, keyed by the office, the filter values and the shard.
 */
export function listPartition(scope: ListScope, shard: number): { index: string; attribute: string; value: string } {
  const narrowed = LIST_FILTERS.filter((filter) => scope[filter] !== undefined);
  const index = casesTable.indexes.find((candidate) => candidate.filters.join() === narrowed.join());
  if (!index) throw new Error(`no list index for the filters ${narrowed.join(', ')}`);
  return { index: index.name, attribute: index.partitionKey, value: [scope.office, ...narrowed.map((filter) => scope[filter]), shard].join('#') };
}

/** The list-index keys of a case in a given status: one per index. */
export function listKeys(summary: Pick<CaseSummary, 'caseId' | 'office' | 'formId'>, status: CaseStatus): Item {
  const shard = shardOf(summary.caseId);
  const full: ListScope = { office: summary.office, formId: summary.formId, status };
  const keys: Item = {};
  for (const index of casesTable.indexes) {
    const scope: ListScope = { office: summary.office };
    for (const filter of index.filters) Object.assign(scope, { [filter]: full[filter] });
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

/** What a case of a form that needs sign-in adds: the identity sealed under the case's key, and the citizen index key. */
export interface CaseIdentityItem {
  readonly sealed: SealedPart;
  readonly citizen: string;
}

export function caseItem(summary: CaseSummary, envelope: Envelope, expiresAt: number, mac: Uint8Array, identity?: CaseIdentityItem): Item {
  return {
    ...(identity ? { identity: sealedAttribute(identity.sealed), [citizenIndex.partitionKey]: { S: identity.citizen } } : {}),
    ...caseItemKey(summary.caseId),
    ...summaryAttributes(summary),
    ...listKeys(summary, summary.status),
    [LIST_SORT_KEY]: { S: listSortKey(summary) },
    expiresAt: { N: String(expiresAt) },
    envelope: envelopeAttribute(envelope),
    summaryMac: { B: mac },
  };
}

export function summaryAttributes(summary: CaseSummary): Item {
  const item: Item = {};
  for (const name of SUMMARY_ATTRIBUTES) {
    const value = summary[name];
    if (value === null) continue; // an optional attribute (`S?`) that is not set
    item[name] = SUMMARY_ATTRIBUTE_TYPES[name] === 'N' ? { N: String(value) } : { S: String(value) };
  }
  return item;
}

export function noteItem(caseId: string, noteId: string, at: string, actor: string, sealed: SealedPart, expiresAt: number): Item {
  return {
    pk: casePartition(caseId),
    sk: { S: `${NOTE_PREFIX}${noteId}` },
    noteId: { S: noteId },
    at: { S: at },
    actor: { S: actor },
    note: sealedAttribute(sealed),
    expiresAt: { N: String(expiresAt) },
  };
}

// ---- reading items back -------------------------------------------------------------------
// A stored item that lacks what the case needs, or holds it in the wrong type, is damaged: an
// IntegrityError naming the case, never a dependency failure (503) the client would retry.

function s(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`stored item lacks ${name}`);
  return value;
}

function n(item: Item, name: string): number {
  const value = Number(item[name]?.N);
  if (!Number.isSafeInteger(value)) throw new Error(`stored item lacks ${name}`);
  return value;
}

function bytes(map: Item, name: string): Uint8Array {
  const value = map[name]?.B;
  if (value === undefined) throw new Error(`stored item lacks ${name}`);
  return value;
}

export function readSummary(item: Item): CaseSummary {
  const summary: Record<string, string | number | null> = {};
  for (const name of SUMMARY_ATTRIBUTES) {
    const type = SUMMARY_ATTRIBUTE_TYPES[name];
    summary[name] = type === 'N' ? n(item, name) : type === 'S?' ? (item[name]?.S ?? null) : s(item, name);
  }
  if (!(CASE_STATUSES as readonly unknown[]).includes(summary.status)) throw new Error('stored item has an unknown status');
  if (summary.delivery !== null && !(DELIVERY_STATES as readonly unknown[]).includes(summary.delivery)) {
    throw new Error('stored item has an unknown delivery state');
  }
  return summary as unknown as CaseSummary;
}

/**
 * The format of a sealed part: only the one this code writes. Another version or algorithm (an
 * older format, or one changed in the table) is damage, on every route that reads the item, also
 * those that read its structure only; opening it (envelope.ts) refuses it once more.
 */
function format(map: Item): { v: number; alg: string } {
  const v = n(map, 'v');
  const alg = s(map, 'alg');
  if (v !== ENVELOPE_VERSION || alg !== ALGORITHM) throw new Error('stored item has an unknown envelope format');
  return { v, alg };
}

export function readSealed(attribute: AttributeValue | undefined): SealedPart {
  const map = attribute?.M;
  if (!map) throw new Error('stored item lacks its ciphertext');
  return { ...format(map), iv: bytes(map, 'iv'), tag: bytes(map, 'tag'), ct: bytes(map, 'ct') };
}

export function readEnvelope(attribute: AttributeValue | undefined, { withoutCiphertext = false } = {}): Envelope {
  const map = attribute?.M;
  if (!map) throw new Error('stored item lacks its envelope');
  const ct = withoutCiphertext ? new Uint8Array() : bytes(map, 'ct');
  return { ...format(map), iv: bytes(map, 'iv'), tag: bytes(map, 'tag'), ct, kid: s(map, 'kid'), edk: bytes(map, 'edk') };
}

/** Runs a reader over an item of the case; any damage becomes an IntegrityError naming the case. */
function damagedAs<T>(caseId: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new IntegrityError(`damaged item: ${(error as Error).message}`, caseId);
  }
}

/** The case item, whole; or with the envelope's structure only (projections that leave out the ciphertext). */
export function readCaseItem(caseId: string, item: Item, options: { withoutCiphertext?: boolean } = {}) {
  return damagedAs(caseId, () => {
    const summary = readSummary(item);
    if (summary.caseId !== caseId) throw new Error('stored item names another case');
    const identity = options.withoutCiphertext || item.identity === undefined ? undefined : readSealed(item.identity);
    return {
      summary,
      envelope: readEnvelope(item.envelope, options),
      expiresAt: n(item, 'expiresAt'),
      mac: bytes(item, 'summaryMac'),
      ...(identity ? { identity } : {}),
    };
  });
}

export function readNoteItem(caseId: string, item: Item) {
  return damagedAs(caseId, () => ({
    noteId: s(item, 'sk').slice(NOTE_PREFIX.length),
    at: s(item, 'at'),
    actor: s(item, 'actor'),
    sealed: readSealed(item.note),
  }));
}
