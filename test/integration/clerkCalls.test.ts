import { beforeAll, describe, expect, it } from '@jest/globals';
import { createCaseList } from '#lib/cases/list.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createGetCase } from '../../functions/getCase/getCase.ts';
import { createListCases } from '../../functions/listCases/listCases.ts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { call, clerkToken, stackInfo } from '../support/api.ts';
import { chainOf, expectAuditedWrites } from '../support/chains.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { countingClients } from '../support/handlers.ts';
import { fishingLicence, submit } from '../support/submissions.ts';

let caseId: string;
let marker: string;

beforeAll(async () => {
  const application = fishingLicence();
  marker = application.marker;
  caseId = (await submit('fischereischein', { data: application.data })).body.caseId;
  const token = await clerkToken('alice', ['ordnungsamt']);
  let version = 1;
  for (const [status, note] of [
    ['in_review', 'Erste Notiz'],
    ['needs_info', 'Zweite Notiz'],
    ['in_review', 'Dritte Notiz'],
  ]) {
    const answer = await call('PATCH', `/cases/${caseId}`, {
      body: { status, note },
      headers: { authorization: `Bearer ${token}`, 'if-match': `"${version}"` },
    });
    expect(answer.status).toBe(200);
    version = answer.body.version;
  }
});

function getCaseHandler(clients: ReturnType<typeof countingClients>, failEvents = false) {
  const { tables, caseKeyArn } = stackInfo();
  const events = createEventLog(clients.dynamodb, tables.events);
  const failing = failEvents
    ? {
        ...events,
        append: async () => {
          throw Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'InternalServerError', $metadata: {} });
        },
      }
    : events;
  return httpRoute(createGetCase({ cases: createCaseStore(clients.dynamodb, tables.cases, events), events: failing, kms: clients.kms, caseKeyId: caseKeyArn }));
}

const readEvent = () => apiEvent({ resource: '/cases/{caseId}', pathParameters: { caseId }, clerk: { sub: 'alice', offices: ['ordnungsamt'] } });

describe('calls per clerk operation', () => {
  it('a case read with three notes makes one KMS Decrypt, one Query of the case, one of its chain\'s head and one event write', async () => {
    const clients = countingClients();
    const before = await chainOf(caseId);
    const answer = await getCaseHandler(clients)(readEvent(), lambdaContext);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body).notes.map((note: { text: string }) => note.text)).toEqual(['Erste Notiz', 'Zweite Notiz', 'Dritte Notiz']);
    expect(clients.calls.kms).toEqual(['DecryptCommand']);
    expect(clients.calls.dynamodb.slice(0, 2)).toEqual(['QueryCommand', 'QueryCommand']);
    expectAuditedWrites(clients.calls.dynamodb.slice(2), before, await chainOf(caseId), { actor: 'alice', type: 'case.viewed' });
  });

  it('a list page makes no KMS call and only Queries', async () => {
    const clients = countingClients();
    const { tables, hmacSecretId, kmsEndpoint, credentials } = stackInfo();
    const secrets = new SecretsManagerClient({ region: 'eu-central-1', endpoint: kmsEndpoint, credentials });
    const handler = httpRoute(createListCases({ list: createCaseList(clients.dynamodb, tables.cases), hmac: secretHmac(secrets, hmacSecretId) }));
    const answer = await handler(apiEvent({ resource: '/cases', query: { limit: '10' }, clerk: { sub: 'alice', offices: ['ordnungsamt'] } }), lambdaContext);
    expect(answer.statusCode).toBe(200);
    expect(clients.calls.kms).toEqual([]);
    expect(new Set(clients.calls.dynamodb)).toEqual(new Set(['QueryCommand']));
  });
});

describe('audited reading', () => {
  it('sends the case.viewed write while the Decrypt is still unanswered, and answers after both', async () => {
    const clients = countingClients();
    let putSent!: () => void;
    const putStarted = new Promise<void>((resolve) => (putSent = resolve));
    clients.dynamodb.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'PutItemCommand') putSent();
      return next(args);
    }, { step: 'initialize' });
    // The Decrypt is held until the audit write has been sent: a read that waited for the
    // decryption before recording would never send it, and fails here instead of hanging.
    clients.kms.middlewareStack.add((next) => async (args) => {
      let timer: NodeJS.Timeout | undefined;
      const notSent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the case.viewed write was not sent while the Decrypt was pending')), 10_000);
      });
      try {
        await Promise.race([putStarted, notSent]);
      } finally {
        clearTimeout(timer);
      }
      return next(args);
    }, { step: 'initialize' });
    const before = await chainOf(caseId);
    const answer = await getCaseHandler(clients)(readEvent(), lambdaContext);
    expect(answer.statusCode).toBe(200);
    expect(clients.calls.kms).toEqual(['DecryptCommand']);
    expect(clients.calls.dynamodb.slice(0, 2)).toEqual(['QueryCommand', 'QueryCommand']);
    expectAuditedWrites(clients.calls.dynamodb.slice(2), before, await chainOf(caseId), { actor: 'alice', type: 'case.viewed' });
  });

  it('answers 503 without any data when the case.viewed event cannot be recorded', async () => {
    const answer = await getCaseHandler(countingClients(), true)(readEvent(), lambdaContext);
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body).type).toBe('urn:problem:unavailable');
    expect(answer.body).not.toContain(marker);
    expect(answer.body).not.toContain('Notiz');
  });
});
