import { beforeAll, describe, expect, it } from '@jest/globals';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { eventHash, GENESIS } from '#lib/audit/chain.ts';
import { verifyAudit, type StoredEvent } from '#lib/audit/verify.ts';
import { createEventLog, readEvent } from '#lib/cases/events.ts';
import type { CaseEvent } from '#lib/cases/model.ts';
import { createCaseStore, newId } from '#lib/cases/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createGetCase } from '../../functions/getCase/getCase.ts';
import { call, clerkToken, stackInfo } from '../support/api.ts';
import { eventItemsOf } from '../support/chains.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { countingClients } from '../support/handlers.ts';
import { markTampered } from '../support/markers.ts';
import { fishingLicence, submit } from '../support/submissions.ts';

// The hash chain as the local stack writes it: through the submit transaction, the case change's
// transaction and the audited reads, also when many of them race for the same case.

let token: string;
const auth = () => ({ authorization: `Bearer ${token}` });

async function storedChain(caseId: string): Promise<StoredEvent[]> {
  return (await eventItemsOf(caseId)).map((item) => ({ ...readEvent(item), eventId: item.eventId?.S ?? '' }));
}

async function newCase(): Promise<string> {
  const answer = await submit('fischereischein', { data: fishingLicence().data });
  expect(answer.status).toBe(201);
  return answer.body.caseId as string;
}

beforeAll(async () => {
  token = await clerkToken('alice', ['ordnungsamt']);
});

describe('the per-case hash chain', () => {
  it('links received, status change, note and reads with seq 1, 2, … and hashes an auditor recomputes from GET /events', async () => {
    const caseId = await newCase();
    expect((await call('PATCH', `/cases/${caseId}`, { body: { status: 'in_review', note: 'Prüfung' }, headers: { ...auth(), 'if-match': '"1"' } })).status).toBe(200);
    expect((await call('GET', `/cases/${caseId}`, { headers: auth() })).status).toBe(200);
    expect((await call('PATCH', `/cases/${caseId}`, { body: { note: 'Noch eine' }, headers: { ...auth(), 'if-match': '"2"' } })).status).toBe(200);

    const answer = await call('GET', `/cases/${caseId}/events`, { headers: auth() });
    expect(answer.status).toBe(200);
    const items = answer.body.items as StoredEvent[];
    // The confirmation worker's own events (actor system:confirmation) interleave when they come.
    expect(items.map((event) => event.seq)).toEqual(items.map((_, index) => index + 1));
    expect(items.filter((event) => !event.actor.startsWith('system:')).map((event) => event.type)).toEqual([
      'case.received',
      'case.status_changed',
      'case.viewed',
      'case.note_added',
    ]);
    let prev = GENESIS;
    for (const event of items) {
      expect(event.hash).toBe(eventHash(caseId, event, event.seq, prev));
      prev = event.hash;
    }
  });

  it('holds under 50 parallel reads of one case from five function instances: every read recorded once, one unbroken chain', async () => {
    const caseId = await newCase();
    const { tables, caseKeyArn } = stackInfo();
    // Five instances, as five Lambda environments would be: each its own event log, racing the
    // others through the chain's condition. The deadline is generous: DynamoDB Local on a loaded
    // machine is slow, and this is about the chain, not about latency (the bench measures that).
    const instances = Array.from({ length: 5 }, () => {
      const clients = countingClients();
      const events = createEventLog(clients.dynamodb, tables.events);
      return httpRoute(createGetCase({ cases: createCaseStore(clients.dynamodb, tables.cases, events), events, kms: clients.kms, caseKeyId: caseKeyArn }));
    });
    const read = apiEvent({ resource: '/cases/{caseId}', pathParameters: { caseId }, clerk: { sub: 'alice', offices: ['ordnungsamt'] } });
    const patient = { ...lambdaContext, getRemainingTimeInMillis: () => 120_000 };
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => instances[index % 5]!(read, patient)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array.from({ length: 50 }, () => 200));

    const chain = await storedChain(caseId);
    expect(chain.map((event) => event.seq)).toEqual(chain.map((_, index) => index + 1));
    expect(chain.filter((event) => event.type === 'case.viewed' && event.actor === 'alice')).toHaveLength(50);
    const verdict = verifyAudit({ checkpoints: [], chains: new Map([[caseId, chain]]), now: new Date() });
    expect(verdict.findings).toEqual([]);
    expect(verdict.unsealed).toBe(chain.length);
  });

  it('keeps a status change and concurrent reads in one chain (the change\'s transaction links again when a read took its seq)', async () => {
    const caseId = await newCase();
    const [change] = await Promise.all([
      call('PATCH', `/cases/${caseId}`, { body: { status: 'in_review' }, headers: { ...auth(), 'if-match': '"1"' } }),
      ...Array.from({ length: 10 }, () => call('GET', `/cases/${caseId}`, { headers: auth() })),
    ]);
    expect(change.status).toBe(200);
    const chain = await storedChain(caseId);
    expect(chain.map((event) => event.seq)).toEqual(chain.map((_, index) => index + 1));
    expect(chain.filter((event) => event.type === 'case.status_changed')).toHaveLength(1);
    expect(chain.filter((event) => event.type === 'case.viewed' && event.actor === 'alice')).toHaveLength(10);
    expect(verifyAudit({ checkpoints: [], chains: new Map([[caseId, chain]]), now: new Date() }).findings).toEqual([]);
  });
});

describe('the head an instance knows', () => {
  const expiresAt = Math.floor(Date.now() / 1000) + 3_600;
  const viewed = (actor: string): CaseEvent => ({ at: new Date().toISOString(), type: 'case.viewed', actor });
  /** An instance's event log and the calls its DynamoDB client sent, the chain's head Queries told apart. */
  const instance = () => {
    const clients = countingClients();
    const sent: string[] = [];
    clients.dynamodb.middlewareStack.add((next, context) => async (args) => {
      const input = args.input as { Limit?: number; ScanIndexForward?: boolean };
      sent.push(context.commandName === 'QueryCommand' && input.Limit === 1 && input.ScanIndexForward === false ? 'head' : String(context.commandName));
      return next(args);
    }, { step: 'initialize' });
    return { events: createEventLog(clients.dynamodb, stackInfo().tables.events), sent };
  };

  it('is where its next append starts: no head read; one that fell behind costs one head read, and the chain stays unbroken', async () => {
    // A chain of its own (no case item, so no worker writes to it), registered so that the store
    // audit (hostileInput's "no partial write") does not count it as events of a missing case.
    const caseId = newId();
    markTampered(caseId);
    const a = instance();
    const b = instance();
    // Not known yet: read (an empty chain has no head).
    await expect(a.events.headForAppend(caseId)).resolves.toBeUndefined();
    a.sent.length = 0;
    await a.events.append(caseId, viewed('alice'), expiresAt);
    await a.events.append(caseId, viewed('alice'), expiresAt);
    expect(a.sent).toEqual(['head', 'PutItemCommand', 'PutItemCommand']);
    expect(a.events.headForAppend(caseId)).toBeUndefined();

    // Another instance writes three events: what `a` knows is now three behind.
    for (let i = 0; i < 3; i++) await b.events.append(caseId, viewed('bob'), expiresAt);
    a.sent.length = 0;
    await a.events.append(caseId, viewed('alice'), expiresAt);
    // The seq after the known head is taken: the head is read again once, not followed seq by seq.
    expect(a.sent).toEqual(['PutItemCommand', 'head', 'PutItemCommand']);

    const chain = await storedChain(caseId);
    expect(chain.map((event) => [event.seq, event.actor])).toEqual([[1, 'alice'], [2, 'alice'], [3, 'bob'], [4, 'bob'], [5, 'bob'], [6, 'alice']]);
    expect(verifyAudit({ checkpoints: [], chains: new Map([[caseId, chain]]), now: new Date() }).findings).toEqual([]);
  });

  it('is forgotten when a write fails for another reason than the chain: the next append reads the head', async () => {
    const caseId = newId();
    markTampered(caseId); // a chain without a case, as above
    const a = instance();
    await a.events.append(caseId, viewed('alice'), expiresAt);
    // A transaction whose own item's condition fails: nothing is written, the chain's head is unknown again.
    const failing = { ConditionCheck: { TableName: stackInfo().tables.events, Key: { caseId: { S: caseId }, eventId: { S: 'no-such-event' } }, ConditionExpression: 'attribute_exists(eventId)' } };
    await expect(a.events.appendWithin(caseId, viewed('alice'), expiresAt, [failing])).rejects.toBeInstanceOf(TransactionCanceledException);
    a.sent.length = 0;
    await a.events.append(caseId, viewed('alice'), expiresAt);
    expect(a.sent).toEqual(['head', 'PutItemCommand']);
    expect((await storedChain(caseId)).map((event) => event.seq)).toEqual([1, 2]);
  });

  it('lets a case read by an instance that wrote the case\'s last event record it without reading the head first', async () => {
    const caseId = await newCase();
    const { tables, caseKeyArn } = stackInfo();
    const clients = countingClients();
    const sent: string[] = [];
    clients.dynamodb.middlewareStack.add((next, context) => async (args) => {
      const input = args.input as { TableName?: string; Limit?: number; ScanIndexForward?: boolean };
      if (input.TableName === tables.events) sent.push(context.commandName === 'QueryCommand' && input.Limit === 1 && input.ScanIndexForward === false ? 'head' : String(context.commandName));
      return next(args);
    }, { step: 'initialize' });
    const events = createEventLog(clients.dynamodb, tables.events);
    const read = httpRoute(createGetCase({ cases: createCaseStore(clients.dynamodb, tables.cases, events), events, kms: clients.kms, caseKeyId: caseKeyArn }));
    const request = apiEvent({ resource: '/cases/{caseId}', pathParameters: { caseId }, clerk: { sub: 'alice', offices: ['ordnungsamt'] } });
    expect((await read(request, lambdaContext)).statusCode).toBe(200);
    expect(sent.slice(0, 2)).toEqual(['head', 'PutItemCommand']);
    sent.length = 0;
    expect((await read(request, lambdaContext)).statusCode).toBe(200);
    // The event write comes first (a worker's event written meanwhile makes it lose the race and read the head then).
    expect(sent[0]).toBe('PutItemCommand');
    const chain = await storedChain(caseId);
    expect(chain.filter((event) => event.type === 'case.viewed' && event.actor === 'alice')).toHaveLength(2);
    expect(verifyAudit({ checkpoints: [], chains: new Map([[caseId, chain]]), now: new Date() }).findings).toEqual([]);
  });
});
