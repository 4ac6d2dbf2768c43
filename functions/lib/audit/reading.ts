import { GetItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KeyObject } from 'node:crypto';
import { readEvent } from '#lib/cases/events.ts';
import { caseItemKey } from '#lib/cases/items.ts';
import { parseCheckpoint } from './checkpoint.ts';
import type { CheckpointStore } from './checkpointStore.ts';
import { signatureHolds } from './signature.ts';
import { eventsBetween } from './timeIndex.ts';
import { verifyAudit, type LoadedCheckpoint, type Scope, type StoredEvent, type Verdict } from './verify.ts';
import { isPlaintextAccess } from './accesses.ts';

/**
 * What `npm run audit` reads, with read access only: the checkpoints (listed and read from their
 * bucket), the events (by the time index, then each case's whole chain by its partition) and, for
 * the report, the office of each case (one projected GetItem per case).
 */
export interface AuditStore {
  ddb: DynamoDBClient;
  eventsTable: string;
  casesTable: string;
  checkpoints: Pick<CheckpointStore, 'all'>;
}

export async function loadCheckpoints(store: AuditStore, publicKey: KeyObject, now: Date, until?: string): Promise<LoadedCheckpoint[]> {
  const loaded: LoadedCheckpoint[] = [];
  for (const { key, text } of await store.checkpoints.all(now, until)) {
    try {
      const document = parseCheckpoint(text);
      loaded.push({ key, document, signatureValid: signatureHolds(publicKey, document.checkpoint, document.signature) });
    } catch {
      loaded.push({ key, signatureValid: false });
    }
  }
  return loaded;
}

export async function chainOf(store: AuditStore, caseId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await store.ddb.send(
      new QueryCommand({ TableName: store.eventsTable, KeyConditionExpression: 'caseId = :caseId', ExpressionAttributeValues: { ':caseId': { S: caseId } }, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) events.push({ ...readEvent(item), eventId: item.eventId?.S ?? '' });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return events;
}

/** Verifies the store: every case with an event in the period or a checkpointed event, or just `--case`. */
export async function verifyStore(store: AuditStore, publicKey: KeyObject, scope: Scope, now: Date): Promise<Verdict> {
  // The search starts an hour ahead: an object named after a start still to come cannot be a real
  // checkpoint, and one planted there would stop the worker's next write (it finds the name taken).
  const checkpoints = await loadCheckpoints(store, publicKey, new Date(now.getTime() + 3_600_000), scope.from);
  const cases = new Set<string>();
  if (scope.caseId !== undefined) cases.add(scope.caseId);
  else {
    const first = checkpoints.findLast((loaded) => loaded.document)?.document?.checkpoint.from;
    const from = scope.from ?? first ?? new Date(now.getTime() - 24 * 3_600_000).toISOString();
    const to = scope.to ?? now.toISOString();
    for (const event of await eventsBetween(store.ddb, store.eventsTable, from, to)) cases.add(event.caseId);
    for (const loaded of checkpoints) for (const leaf of loaded.document?.leaves ?? []) cases.add(leaf.caseId);
  }
  const chains = new Map<string, StoredEvent[]>();
  for (const caseId of cases) chains.set(caseId, await chainOf(store, caseId));
  return verifyAudit({ checkpoints, chains, now, scope });
}

export interface AccessRow {
  at: string;
  caseId: string;
  office: string;
  type: string;
  actor: string;
}

/** Every access to plaintext in `[from, to)` of one office's cases, oldest first (the data-protection officer's report). */
export async function accessReport(store: AuditStore, office: string, from: string, to: string): Promise<AccessRow[]> {
  const offices = new Map<string, string | undefined>();
  const officeOf = async (caseId: string): Promise<string | undefined> => {
    if (!offices.has(caseId)) {
      const result = await store.ddb.send(new GetItemCommand({ TableName: store.casesTable, Key: caseItemKey(caseId), ProjectionExpression: 'office' }));
      offices.set(caseId, result.Item?.office?.S);
    }
    return offices.get(caseId);
  };
  const rows: AccessRow[] = [];
  for (const { caseId, event } of await eventsBetween(store.ddb, store.eventsTable, from, to)) {
    if (!isPlaintextAccess(event)) continue;
    if ((await officeOf(caseId)) !== office) continue;
    rows.push({ at: event.at, caseId, office, type: event.type, actor: event.actor });
  }
  return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.caseId < b.caseId ? -1 : 1));
}
