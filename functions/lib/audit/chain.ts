import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { CaseEvent } from '#lib/cases/model.ts';

/**
 * The per-case hash chain of API.md (*Audit*): every event carries `seq` (1, 2, … per case) and
 * `hash`, the base64url SHA-256 of the RFC 8785 canonical JSON of
 * `{ prev, seq, caseId, type, actor, at, detail, from, to }` where `prev` is the previous event's
 * hash (`""` for the first). Members an event does not have (`detail`, `from`, `to`) are left out;
 * `from` and `to` are in, beyond the contract's list, so that a status change cannot be rewritten
 * unnoticed. An auditor recomputes this with the public API's fields alone.
 */
export interface ChainLink {
  seq: number;
  hash: string;
}

export interface ChainedEvent extends CaseEvent, ChainLink {}

/** The `prev` of the first event of a case. */
export const GENESIS = '';

/** The canonical bytes an event's hash is taken over. */
export function canonicalEvent(caseId: string, event: CaseEvent, seq: number, prev: string): string {
  const linked: Record<string, unknown> = { prev, seq, caseId, type: event.type, actor: event.actor, at: event.at };
  if (event.detail !== undefined) linked.detail = event.detail;
  if (event.from !== undefined) linked.from = event.from;
  if (event.to !== undefined) linked.to = event.to;
  const text = canonicalize(linked);
  if (text === undefined) throw new Error('event has no canonical form');
  return text;
}

export function eventHash(caseId: string, event: CaseEvent, seq: number, prev: string): string {
  return createHash('sha256').update(canonicalEvent(caseId, event, seq, prev), 'utf8').digest('base64url');
}

/** The link a new event makes after `head` (undefined: the case has no event yet). */
export function nextLink(caseId: string, event: CaseEvent, head: ChainLink | undefined): ChainLink {
  const seq = (head?.seq ?? 0) + 1;
  return { seq, hash: eventHash(caseId, event, seq, head?.hash ?? GENESIS) };
}
