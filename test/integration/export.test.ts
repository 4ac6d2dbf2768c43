import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchWriteItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { listKeys, listSortKey, summaryAttributes } from '#lib/cases/items.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import { LIST_SORT_KEY } from '#lib/cases/tables.ts';
import { MAX_EXPORT_CASES } from '#lib/api/schemas.ts';
import { columnsOf, valueAt } from '#lib/export/columns.ts';
import { cellText, neutralise } from '#lib/export/csv.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { formsDir } from '../../infra/local/paths.ts';
import { mintToken } from '../../infra/local/tokens.ts';
import { call, clerkToken } from '../support/api.ts';
import { parseCsv } from '../support/csv.ts';
import { spawnStack, type RunningStack } from '../support/localStack.ts';
import { fishingLicence, submit } from '../support/submissions.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

const FORM = 'fischereischein';
const catalogue = loadFormCatalogue(formsDir(), { verify: false });
const columns = columnsOf(catalogue.all().filter((form) => form.id === FORM).sort((a, b) => b.version - a.version).map((form) => form.schema));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let alice: string;
const submitted: { caseId: string; receivedAt: string; data: Record<string, unknown> }[] = [];
let from = '';
let to = '';

beforeAll(async () => {
  alice = await clerkToken('alice-export', ['ordnungsamt']);
  const datasets = [fishingLicence().data, fishingLicence().data, fishingLicence().data];
  // A citizen's formula, a comma and a quote in a name, a line break in the authority.
  (datasets[0]!.applicant as Record<string, unknown>).givenName = '=cmd|" /C calc"!A0';
  (datasets[1]!.applicant as Record<string, unknown>).givenName = 'Anna, "Anni"';
  (datasets[2]!.fishingExam as Record<string, unknown>).authority = 'Landratsamt\nuntere Fischereibehörde';
  for (const data of datasets) {
    const answer = await submit(FORM, { data });
    expect(answer.status).toBe(201);
    submitted.push({ caseId: answer.body.caseId, receivedAt: answer.body.receivedAt, data });
  }
  from = submitted[0]!.receivedAt;
  to = new Date(Date.parse(submitted.at(-1)!.receivedAt) + 1).toISOString();
});

describe('GET /cases/export (CSV)', () => {
  it('answers RFC 4180 CSV whose rows parse back to the submitted values, formulas neutralised', async () => {
    const answer = await call('GET', `/cases/export?formId=${FORM}&from=${from}&to=${to}`, { headers: bearer(alice) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="fischereischein-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(answer.text.endsWith('\r\n')).toBe(true);

    const [header, ...rows] = parseCsv(answer.text);
    expect(header).toEqual(['caseId', 'reference', 'status', 'receivedAt', ...columns]);
    for (const { caseId, receivedAt, data } of submitted) {
      const row = rows.find((candidate) => candidate[0] === caseId);
      expect(row).toBeDefined();
      expect(row!.slice(2, 4)).toEqual(['received', receivedAt]);
      expect(row!.slice(4)).toEqual(columns.map((pointer) => neutralise(cellText(valueAt(data, pointer)))));
    }
  });

  it('neutralises a cell that begins with =', async () => {
    const answer = await call('GET', `/cases/export?formId=${FORM}&from=${from}&to=${to}`, { headers: bearer(alice) });
    const [header, ...rows] = parseCsv(answer.text);
    const given = header!.indexOf('/applicant/givenName');
    const row = rows.find((candidate) => candidate[0] === submitted[0]!.caseId)!;
    expect(row[given]).toBe(`'=cmd|" /C calc"!A0`);
    expect(answer.text).not.toMatch(/(^|,)=cmd/m);
  });

  it('records every exported case as case.exported by the clerk', async () => {
    await call('GET', `/cases/export?formId=${FORM}&from=${from}&to=${to}`, { headers: bearer(alice) });
    for (const { caseId } of submitted) {
      const events = await call('GET', `/cases/${caseId}/events`, { headers: bearer(alice) });
      const exported = events.body.items.filter((event: { type: string }) => event.type === 'case.exported');
      expect(exported.length).toBeGreaterThanOrEqual(1);
      expect(exported[0].actor).toBe('alice-export');
    }
  });

  it('leaves out cases outside [from, to)', async () => {
    const answer = await call('GET', `/cases/export?formId=${FORM}&from=${from}&to=${submitted[1]!.receivedAt}`, { headers: bearer(alice) });
    const ids = parseCsv(answer.text).slice(1).map((row) => row[0]);
    expect(ids).toContain(submitted[0]!.caseId);
    expect(ids).not.toContain(submitted[2]!.caseId);
  });
});

describe('GET /cases/export (JSON)', () => {
  it('answers the decrypted data with the columns', async () => {
    const answer = await call('GET', `/cases/export?formId=${FORM}&from=${from}&to=${to}&format=json`, { headers: bearer(alice) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.columns).toEqual(columns);
    for (const { caseId, data } of submitted) {
      expect(answer.body.items.find((item: { caseId: string }) => item.caseId === caseId).data).toEqual(data);
    }
  });
});

describe('GET /cases/export refuses', () => {
  it('another office with 403', async () => {
    const bob = await clerkToken('bob-export', ['jugendamt']);
    const answer = await call('GET', `/cases/export?formId=${FORM}`, { headers: bearer(bob) });
    expect(answer.status).toBe(403);
    expect(answer.body.type).toBe('urn:problem:forbidden');
    const named = await call('GET', `/cases/export?formId=${FORM}&office=ordnungsamt`, { headers: bearer(bob) });
    expect(named.status).toBe(403);
  });

  it('a missing formId, a bad bound or to before from with 400', async () => {
    for (const query of ['', `formId=${FORM}&from=yesterday`, `formId=${FORM}&from=${to}&to=${from}`, `formId=${FORM}&format=xlsx`]) {
      const answer = await call('GET', `/cases/export?${query}`, { headers: bearer(alice) });
      expect(answer.status).toBe(400);
      expect(answer.body.type).toBe('urn:problem:malformed-request');
    }
  });

  it('an unknown form with 404, no token with 401, another method with 404', async () => {
    expect((await call('GET', '/cases/export?formId=no-such-form', { headers: bearer(alice) })).status).toBe(404);
    expect((await call('GET', `/cases/export?formId=${FORM}`)).status).toBe(401);
    expect((await call('PATCH', '/cases/export', { body: { status: 'in_review' }, headers: { ...bearer(alice), 'if-match': '"1"' } })).status).toBe(404);
  });
});

describe(`more than ${MAX_EXPORT_CASES} cases`, () => {
  let stack: RunningStack;
  afterAll(async () => {
    await stack?.stop();
    removeTempDirs();
  });

  it('is 400 asking to narrow the range, before anything is decrypted', async () => {
    stack = await spawnStack({ LOCAL_DATA_DIR: tempDir('egov-export-') }, 180_000);
    const { info } = stack;
    // Index entries only (no envelope): the count is refused before any case is loaded.
    const ddb = new DynamoDBClient({ region: info.region, credentials: info.credentials, endpoint: info.dynamodbEndpoint });
    const base = Date.parse('2026-01-05T08:00:00.000Z');
    const items: Record<string, AttributeValue>[] = [];
    for (let i = 0; i <= MAX_EXPORT_CASES; i++) {
      const caseId = `01KA${String(i).padStart(22, '0')}`;
      const at = new Date(base + i * 1000).toISOString();
      const summary: CaseSummary = {
        caseId,
        reference: 'ABCD-EFGH',
        formId: FORM,
        formVersion: 2,
        office: 'ordnungsamt',
        status: 'received',
        receivedAt: at,
        updatedAt: at,
        version: 1,
        delivery: null,
      };
      items.push({
        pk: { S: `CASE#${caseId}` },
        sk: { S: 'CASE' },
        ...summaryAttributes(summary),
        ...listKeys(summary, 'received'),
        [LIST_SORT_KEY]: { S: listSortKey(summary) },
        expiresAt: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
      });
    }
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await ddb.send(new BatchWriteItemCommand({ RequestItems: { [info.tables.cases]: batch } }));
    }
    ddb.destroy();
    const token = await mintToken(info.dataDir, { sub: 'carol', offices: ['ordnungsamt'] });
    const get = (query: string) =>
      fetch(`${info.apiUrl}/cases/export?formId=${FORM}${query}`, { headers: bearer(token) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { type: string; detail: string } }));

    const all = await get('');
    expect(all.status).toBe(400);
    expect(all.body.type).toBe('urn:problem:malformed-request');
    expect(all.body.detail).toMatch(/Zeitraum/);
  });
});
