import { beforeAll, describe, expect, it } from '@jest/globals';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { eventHash, GENESIS } from '#lib/audit/chain.ts';
import { verifyAudit, type StoredEvent } from '#lib/audit/verify.ts';
import { createEventLog, readEvent } from '#lib/cases/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createGetCase } from '../../functions/getCase/getCase.ts';
import { call, clerkToken, dynamodb, stackInfo } from '../support/api.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { countingClients } from '../support/handlers.ts';
import { fishingLicence, submit } from '../support/submissions.ts';

// The hash chain as the local stack writes it: through the submit transaction, the case change's
// transaction and the audited reads, also when many of them race for the same case.

let token: string;
const auth = () => ({ authorization: `Bearer ${token}` });

async function storedChain(caseId: string): Promise<StoredEvent[]> {
  const client = dynamodb();
  try {
    const result = await client.send(new QueryCommand({ TableName: stackInfo().tables.events, KeyConditionExpression: 'caseId = :c', ExpressionAttributeValues: { ':c': { S: caseId } }, ConsistentRead: true }));
    return (result.Items ?? []).map((item) => ({ ...readEvent(item), eventId: item.eventId?.S ?? '' }));
  } finally {
    client.destroy();
  }
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
