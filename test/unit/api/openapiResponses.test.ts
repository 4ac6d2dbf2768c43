import { routes } from '../../../functions/functions.ts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiEvent, lambdaContext as context, type ApiRequest } from '../../support/events.ts';
import { createGetCase } from '../../../functions/getCase/getCase.ts';
import { buildOpenApiDocument } from '#lib/api/openapi.ts';
import type { CaseList } from '#lib/cases/list.ts';
import type { CaseStore, StoredCase } from '#lib/cases/store.ts';
import { visibleTo, type Clerk } from '#lib/cases/access.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { sealNewCase, type Envelope, type SealedPart } from '#lib/crypto/envelope.ts';
import { summaryMessage } from '#lib/cases/integrity.ts';
import { createListEvents } from '../../../functions/listEvents/listEvents.ts';
import { createEventLog, type EventLog } from '#lib/cases/events.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { createFormValidator } from '#lib/forms/validation.ts';
import type { Hmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import type { IdempotencyStore } from '#lib/submissions/idempotency.ts';
import { createListCases } from '../../../functions/listCases/listCases.ts';
import { createSubmit } from '../../../functions/submit/submit.ts';
import { statusTokens } from '#lib/status/token.ts';
import { createUpdateCase } from '../../../functions/updateCase/updateCase.ts';
import { startLocalKms, type LocalKms } from '../../../infra/local/kms.ts';
import { absentFormId, everyFormOf, sampleOf } from '../../support/forms.ts';
import { removeTempDirs, tempDir } from '../../support/tempDirs.ts';
import { buildShippedForms } from '../../../infra/formsBuild.ts';
import { compileDocumentSchemas, type Json } from './openapiSchemas.ts';

// The document describes what the handlers really send: real answers of the real handler code
// (with stores faked and the local KMS) are checked against the documented response of their
// status: media type, body schema, and every required header with its documented value.

const document = buildOpenApiDocument(routes) as Json;
const { validator } = compileDocumentSchemas(document);
const components = document.components as Record<string, Record<string, Json>>;
const formsDir = fileURLToPath(new URL('../../../schemas/forms', import.meta.url));
const forms = loadFormCatalogue(formsDir);
type Invoke = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const follow = (node: Json, kind: 'responses' | 'headers'): Json =>
  typeof node.$ref === 'string' ? components[kind]![node.$ref.replace(`#/components/${kind}/`, '')]! : node;

/** Checks an answer against the document's response for `method path` and the answer's status. */
function expectDocumented(method: string, path: string, answer: APIGatewayProxyResult): void {
  const at = `${method} ${path} → ${answer.statusCode}`;
  const operation = (document.paths as Record<string, Record<string, Json>>)[path]?.[method.toLowerCase()];
  const raw = (operation?.responses as Record<string, Json> | undefined)?.[String(answer.statusCode)];
  expect({ at, documented: raw !== undefined }).toEqual({ at, documented: true });
  const response = follow(raw!, 'responses');
  const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));

  const mediaType = (headers['content-type'] ?? '').split(';')[0]!.trim();
  const content = (response.content as Record<string, Json>)[mediaType];
  expect({ at, mediaType, documented: content !== undefined }).toEqual({ at, mediaType, documented: true });
  const validate = validator(content!.schema as Json);
  const body = JSON.parse(answer.body) as unknown;
  validate(body);
  expect({ at, errors: validate.errors ?? [] }).toEqual({ at, errors: [] });

  for (const [name, declared] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
    const header = follow(declared, 'headers');
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      expect({ at, missing: name, required: header.required }).toEqual({ at, missing: name, required: false });
      continue;
    }
    const validateHeader = validator(header.schema as Json);
    expect({ at, header: name, value, valid: validateHeader(value) }).toEqual({ at, header: name, value, valid: true });
  }
}

function event(input: Omit<ApiRequest, 'body'> & { body?: unknown }): APIGatewayProxyEvent {
  const { body, ...rest } = input;
  return apiEvent({ ...rest, requestId: 'req-doc', body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) });
}

const ALICE = { sub: 'alice', offices: 'ordnungsamt' };
const CASE_ID = '01JDZ8Q6W4X3Y2Z1A0B9C8D7E6';
const summary: CaseSummary = {
  caseId: CASE_ID,
  reference: 'K7QM-4HXT-9CRB',
  formId: 'fischereischein',
  formVersion: 2,
  office: 'ordnungsamt',
  status: 'in_review',
  receivedAt: '2026-11-27T13:35:10.123Z',
  updatedAt: '2026-11-27T14:01:00.000Z',
  version: 2,
  delivery: 'delivered',
};
const sample = sampleOf('fischereischein') as Json;

describe('the forms routes answer as documented', () => {
  let listForms: Invoke;
  let getForm: Invoke;
  beforeAll(async () => {
    // The handlers read the forms folder as the synth builds it (definitions and prepared documents).
    const shipped = tempDir('egov-openapi-forms-');
    buildShippedForms(formsDir, shipped, everyFormOf(formsDir));
    process.env.FORMS_DIR = shipped;
    listForms = ((await import('../../../functions/listForms/handler.ts')) as { handler: Invoke }).handler;
    getForm = ((await import('../../../functions/getForm/handler.ts')) as { handler: Invoke }).handler;
  });
  afterAll(removeTempDirs);

  it('GET /forms', async () => {
    expectDocumented('GET', '/forms', await listForms(event({ resource: '/forms' }), context));
  });

  it('GET /forms/{formId} for every version of every form', async () => {
    for (const latest of forms.list()) {
      for (let version = 1; version <= latest.version; version++) {
        const answer = await getForm(
          event({ resource: '/forms/{formId}', pathParameters: { formId: latest.id }, query: { version: String(version) } }),
          context,
        );
        expect(answer.statusCode).toBe(200);
        expectDocumented('GET', '/forms/{formId}', answer);
      }
    }
  });

  it('GET /forms/{formId} problems: unknown form, bad version', async () => {
    expectDocumented('GET', '/forms/{formId}', await getForm(event({ resource: '/forms/{formId}', pathParameters: { formId: absentFormId() } }), context));
    const bad = await getForm(
      event({ resource: '/forms/{formId}', pathParameters: { formId: 'wohngeld' }, query: { version: 'zwei' } }),
      context,
    );
    expect(bad.statusCode).toBe(400);
    expectDocumented('GET', '/forms/{formId}', bad);
  });
});

describe('submissions answer as documented', () => {
  const idempotency: IdempotencyStore = {
    claim: async () => ({ kind: 'claimed', pk: 'pk', owner: 'me' }),
    completion: () => ({}),
    release: async () => undefined,
  };
  const kms = {
    send: async (command: object) => {
      if (!(command instanceof GenerateDataKeyCommand)) throw new Error('unexpected');
      return { Plaintext: new Uint8Array(32).fill(7), CiphertextBlob: new Uint8Array(64), KeyId: 'arn:aws:kms:eu-central-1:1:key/k' };
    },
  } as unknown as KMSClient;
  let failWith: Error | undefined;
  const putNew: CaseStore['putNew'] = async (input) => {
    if (failWith) throw failWith;
    return { ...summary, caseId: input.caseId, status: 'received', version: 1, receivedAt: input.receivedAt, updatedAt: input.receivedAt };
  };
  const submit = httpRoute(
    createSubmit({ forms, validator: createFormValidator(), kms, caseKeyId: 'alias/k', cases: { putNew } as CaseStore, idempotency, statusTokens: statusTokens({ digest: async () => Buffer.alloc(32, 5) }) }),
    { jsonBody: true },
  );
  const post = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    submit(
      event({ method: 'POST', resource: '/forms/{formId}/submissions', pathParameters: { formId: 'fischereischein' }, headers, body }),
      context,
    );
  const PATH = '/forms/{formId}/submissions';

  it('201', async () => {
    const answer = await post({ data: sample });
    expect(answer.statusCode).toBe(201);
    expectDocumented('POST', PATH, answer);
  });

  it('(the check itself notices an undocumented member, status or missing header)', async () => {
    const answer = await post({ data: sample });
    const body = JSON.parse(answer.body) as Json;
    expect(() => expectDocumented('POST', PATH, { ...answer, body: JSON.stringify({ ...body, secret: 'x' }) })).toThrow(/additionalProperties/);
    expect(() => expectDocumented('POST', PATH, { ...answer, statusCode: 418 })).toThrow(/documented/);
    const { 'X-Request-Id': _id, ...headers } = answer.headers as Record<string, string>;
    expect(() => expectDocumented('POST', PATH, { ...answer, headers })).toThrow(/X-Request-Id/);
  });

  it('422 validation-failed, in German and English', async () => {
    for (const language of ['de', 'en']) {
      const answer = await post({ data: { applicant: { email: 'kaputt' } } }, { 'Content-Type': 'application/json', 'Accept-Language': language });
      expect(answer.statusCode).toBe(422);
      expectDocumented('POST', PATH, answer);
    }
  });

  it('429 and 503 when DynamoDB throttles or fails', async () => {
    const answers: APIGatewayProxyResult[] = [];
    for (const name of ['ProvisionedThroughputExceededException', 'InternalServerError']) {
      failWith = Object.assign(new Error(name), { name, $metadata: {} });
      answers.push(await post({ data: sample }));
    }
    failWith = undefined;
    expect(answers.map((answer) => answer.statusCode)).toEqual([429, 503]);
    for (const answer of answers) expectDocumented('POST', PATH, answer);
  });

  it('400, 413 and 415', async () => {
    const answers = await Promise.all([
      post({ daten: {} }),
      post('not json'),
      post({ data: {} }, { 'Content-Type': 'text/plain' }),
      post({ data: { big: 'x'.repeat(300 * 1024) } }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([400, 400, 415, 413]);
    for (const answer of answers) expectDocumented('POST', PATH, answer);
  });
});

describe('the clerk routes answer as documented', () => {
  const dirs: string[] = [];
  let localKms: LocalKms;
  let kms: KMSClient;
  let envelope: Envelope;
  /** The case without notes, and the same case with one note (each with its summary MAC). */
  let stored: StoredCase;
  let storedWithNote: StoredCase;
  let sealedNote: SealedPart;
  const noteAt = '2026-11-27T14:01:00.000Z';
  const caseContext = { caseId: CASE_ID, formId: 'fischereischein', formVersion: summary.formVersion, office: summary.office };
  beforeAll(async () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'egov-openapi-')));
    localKms = await startLocalKms({ dataDir: dirs[0]!, port: 0 });
    kms = new KMSClient({ region: 'eu-central-1', endpoint: localKms.url, credentials: localKms.credentials, maxAttempts: 1 });
    const expiresAt = 2_000_000_000;
    await sealNewCase(kms, localKms.keyArn, caseContext, Buffer.from(JSON.stringify(sample)), (sealed, key) => {
      envelope = sealed;
      sealedNote = key.seal('note:N1', Buffer.from('Prüfungszeugnis liegt vor'));
      stored = { summary, envelope, expiresAt, mac: key.mac(summaryMessage(summary, expiresAt, [])) };
      storedWithNote = { ...stored, mac: key.mac(summaryMessage(summary, expiresAt, [{ noteId: 'N1', at: noteAt, actor: 'alice' }])) };
    });
  });
  afterAll(async () => {
    kms.destroy();
    await localKms.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const hmac: Hmac = { digest: async () => Buffer.alloc(32, 1) };
  const list: CaseList = async (_scope, limit) => ({
    items: Array.from({ length: limit }, () => ({ ...summary, sortKey: `${summary.receivedAt}#${summary.caseId}` })),
    more: true,
  });

  it('GET /cases: 200 with a cursor, 400, 401, 403', async () => {
    const listCases = httpRoute(createListCases({ list, hmac }));
    const answers = await Promise.all([
      listCases(event({ resource: '/cases', clerk: ALICE, query: { limit: '2' } }), context),
      listCases(event({ resource: '/cases', clerk: ALICE, query: { limit: '500' } }), context),
      listCases(event({ resource: '/cases' }), context),
      listCases(event({ resource: '/cases', clerk: ALICE, query: { office: 'jugendamt' } }), context),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 400, 401, 403]);
    for (const answer of answers) expectDocumented('GET', '/cases', answer);
  });

  it('GET /cases/{caseId}: 200 with data, notes and ETag; 404; 500 integrity-error', async () => {
    let current: StoredCase = storedWithNote;
    const cases = {
      loadFor: async (clerk: Clerk, id: string) =>
        visibleTo(clerk, id === CASE_ID ? { ...current, notes: [{ noteId: 'N1', at: noteAt, actor: 'alice', sealed: sealedNote }], files: [], messages: [], messageFiles: [] } : undefined),
    } as unknown as CaseStore;
    const events = { headForAppend: () => undefined, append: async () => undefined } as unknown as EventLog;
    const getCase = httpRoute(createGetCase({ cases, events, kms, caseKeyId: localKms.keyArn }));
    const read = (caseId: string) => getCase(event({ resource: '/cases/{caseId}', clerk: ALICE, pathParameters: { caseId } }), context);

    const ok = await read(CASE_ID);
    expect(ok.statusCode).toBe(200);
    expectDocumented('GET', '/cases/{caseId}', ok);
    expectDocumented('GET', '/cases/{caseId}', await read('01JDZ8Q6W4X3Y2Z1A0B9C8D7E7'));

    const tag = Buffer.from(envelope.tag);
    tag[0]! ^= 1;
    current = { ...storedWithNote, envelope: { ...envelope, tag } };
    const broken = await read(CASE_ID);
    expect(broken.statusCode).toBe(500);
    expectDocumented('GET', '/cases/{caseId}', broken);
  });

  it('PATCH /cases/{caseId}: 200 with ETag; 400, 409, 412, 415, 428', async () => {
    const cases = {
      loadFor: async (clerk: Clerk) => visibleTo(clerk, { ...stored, notes: [] }),
      change: async (current: StoredCase, change: { to: CaseSummary['status']; at: string }) => ({
        ...current.summary,
        status: change.to,
        updatedAt: change.at,
        version: current.summary.version + 1,
      }),
    } as unknown as CaseStore;
    const updateCase = httpRoute<unknown>(createUpdateCase({ cases, kms, caseKeyId: localKms.keyArn }), { jsonBody: true });
    const patch = (body: unknown, headers: Record<string, string>) =>
      updateCase(
        event({ method: 'PATCH', resource: '/cases/{caseId}', clerk: ALICE, pathParameters: { caseId: CASE_ID }, headers: { 'Content-Type': 'application/json', ...headers }, body }),
        context,
      );
    const answers = await Promise.all([
      patch({ status: 'approved', note: 'Alles vollständig.' }, { 'If-Match': '"2"' }),
      patch({ status: 'approved', extra: 1 }, { 'If-Match': '"2"' }),
      patch({ status: 'received' }, { 'If-Match': '"2"' }),
      patch({ status: 'approved' }, { 'If-Match': '"1"' }),
      patch({ status: 'approved' }, { 'If-Match': '"2"', 'Content-Type': 'text/plain' }),
      patch({ status: 'approved' }, {}),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 400, 409, 412, 415, 428]);
    for (const answer of answers) expectDocumented('PATCH', '/cases/{caseId}', answer);
  });

  it('GET /cases/{caseId}/events: the events as the event log reads them', async () => {
    let seq = 0;
    const item = (type: string, extra: Record<string, { S: string }> = {}) => ({
      caseId: { S: CASE_ID },
      eventId: { S: String(++seq).padStart(10, '0') },
      seq: { N: String(seq) },
      hash: { S: `hash-${seq}` },
      at: { S: '2026-11-27T13:35:10.123Z' },
      type: { S: type },
      actor: { S: 'citizen' },
      ...extra,
    });
    const ddb = {
      send: async () => ({
        Items: [
          item('case.received', { to: { S: 'received' } }),
          item('case.viewed'),
          item('case.status_changed', { from: { S: 'received' }, to: { S: 'in_review' } }),
          item('case.note_added'),
        ],
      }),
    } as unknown as DynamoDBClient;
    const cases = { assertVisibleTo: async (clerk: Clerk) => void visibleTo(clerk, { summary }) } as unknown as CaseStore;
    const listEvents = httpRoute(createListEvents({ cases, events: createEventLog(ddb, 'events'), hmac }));
    const read = (query: Record<string, string>, clerk: ApiRequest['clerk'] = ALICE) =>
      listEvents(event({ resource: '/cases/{caseId}/events', pathParameters: { caseId: CASE_ID }, query, ...(clerk ? { clerk } : {}) }), context);
    const answers = [await read({ limit: '3' }), await read({ limit: '501' }), await read({}, { sub: 'bob', offices: 'jugendamt' })];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 400, 404]);
    expect(JSON.parse(answers[0]!.body).nextCursor).toEqual(expect.any(String));
    for (const answer of answers) expectDocumented('GET', '/cases/{caseId}/events', answer);
  });
});
