import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, fixture, stackInfo } from '../support/api.ts';
import { citizenHeadersFor } from '../support/bundid.ts';
import { absentFormId, formCatalogue, formOf } from '../support/forms.ts';
import { fishingLicence, kmsFault, submit } from '../support/submissions.ts';
import { casesContaining, plaintextLeaks } from '../support/tables.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const REFERENCE = /^[A-HJKMNP-Z2-9-]{1,24}$/;
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const planted: string[] = [];

function plant(): ReturnType<typeof fishingLicence> {
  const application = fishingLicence();
  planted.push(application.marker);
  return application;
}

describe('POST /forms/{formId}/submissions: accepted', () => {
  it('answers 201 with the case reference once the encrypted case is stored', async () => {
    const { data, marker } = plant();
    const answer = await submit('fischereischein', { data });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      caseId: expect.stringMatching(ULID),
      reference: expect.stringMatching(REFERENCE),
      formId: 'fischereischein',
      formVersion: formOf('fischereischein').version,
      status: 'received',
      receivedAt: expect.stringMatching(RFC3339_MS),
      // API.md: at least 128 bits, base64url (the status token; its own suite: status.test.ts).
      statusToken: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
    });
    expect(answer.body.reference).not.toMatch(/[01OIL]/);
    const stored = await casesContaining(marker);
    expect(stored.map((item) => item.caseId?.S)).toEqual([answer.body.caseId]);
    expect(stored[0]?.reference?.S).toBe(answer.body.reference);
  });

  it('records the form version the citizen filled in', async () => {
    const { data } = plant();
    const answer = await submit('fischereischein', { data, formVersion: 1 });
    expect(answer.status).toBe(201);
    expect(answer.body.formVersion).toBe(1);
  });

  it('sets the expiry from the form retention period', async () => {
    const { data, marker } = plant();
    const answer = await submit('fischereischein', { data });
    const [item] = await casesContaining(marker);
    const { retentionDays } = formOf('fischereischein');
    const receivedAt = Math.floor(Date.parse(answer.body.receivedAt) / 1000);
    expect(Number(item?.expiresAt?.N)).toBe(receivedAt + retentionDays * 24 * 3600);
  });

  it('gives every case a distinct reference', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit('fischereischein', { data: plant().data })));
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    expect(new Set(answers.map((answer) => answer.body.reference)).size).toBe(20);
  });

  it('accepts a charset parameter on the media type', async () => {
    const answer = await call('POST', '/forms/fischereischein/submissions', {
      raw: JSON.stringify({ data: plant().data }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(answer.status).toBe(201);
  });

  it('accepts every form of the catalogue with the first example of its latest version', async () => {
    for (const formId of formCatalogue().list().map((form) => form.id)) {
      const answer = await submit(formId, { data: fixture(formId) }, await citizenHeadersFor(formId));
      expect(answer.status).toBe(201);
    }
  });
});

describe('POST /forms/{formId}/submissions: refused', () => {
  const expectProblem = (answer: { status: number; body: { type: string; status: number }; headers: Headers }, status: number, slug: string) => {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.type).toBe(`urn:problem:${slug}`);
    expect(answer.body.status).toBe(status);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  };

  it('answers an unknown form with 404', async () => {
    expectProblem(await submit(absentFormId(), { data: {} }), 404, 'not-found');
  });

  it('answers an unknown form version with 404', async () => {
    expectProblem(await submit('fischereischein', { data: plant().data, formVersion: 7 }), 404, 'not-found');
  });

  it('answers a body without a JSON media type with 415', async () => {
    const raw = JSON.stringify({ data: plant().data });
    expectProblem(await call('POST', '/forms/fischereischein/submissions', { raw, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported-media-type');
    expectProblem(await call('POST', '/forms/fischereischein/submissions', { raw }), 415, 'unsupported-media-type');
    expectProblem(
      await call('POST', '/forms/fischereischein/submissions', { raw, headers: { 'content-type': 'application/json; charset=latin1' } }),
      415,
      'unsupported-media-type',
    );
  });

  it('answers a body over 256 KiB with 413 before parsing it', async () => {
    const raw = `{"data": ${'x'.repeat(256 * 1024)}`; // not even JSON: size wins
    expectProblem(await call('POST', '/forms/fischereischein/submissions', { raw, headers: { 'content-type': 'application/json' } }), 413, 'payload-too-large');
  });

  it.each([
    ['not JSON', '{"data": '],
    ['not an object', '[1, 2]'],
    ['null', 'null'],
    ['without data', '{"formVersion": 1}'],
    ['with data that is not an object', '{"data": [1]}'],
    ['with an unknown top-level property', '{"data": {}, "extra": 1}'],
    ['with a formVersion that is not a positive integer', '{"data": {}, "formVersion": "2"}'],
    ['empty', ''],
    ['with a number beyond a double (1e400), which JSON would store as null', '{"data": {"x": 1e400}}'],
    ['with -1e400 deep in the data', '{"data": {"a": [{"b": -1e400}]}}'],
    ['with a 400-digit integer', `{"data": {"n": ${'9'.repeat(400)}}}`],
  ])('answers a body %s with 400', async (_name, raw) => {
    expectProblem(await call('POST', '/forms/fischereischein/submissions', { raw, headers: { 'content-type': 'application/json' } }), 400, 'malformed-request');
  });

  it('answers an invalid Idempotency-Key with 400', async () => {
    expectProblem(await submit('fischereischein', { data: plant().data }, { 'idempotency-key': 'x'.repeat(256) }), 400, 'malformed-request');
  });

  it('answers invalid data with 422 listing every failure as a JSON Pointer into the body, in German', async () => {
    const { data } = plant();
    const applicant = data.applicant as Record<string, unknown>;
    applicant.email = 'kein-email';
    delete applicant.givenName;
    const answer = await submit('fischereischein', { data });
    expectProblem(answer, 422, 'validation-failed');
    const pointers = answer.body.errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/data/applicant/email', '/data/applicant/givenName']));
    const email = answer.body.errors.find((error: { pointer: string }) => error.pointer === '/data/applicant/email');
    expect(email.keyword).toBe('format');
    expect(email.message).toMatch(/muss|entsprechen|Format/i);
  });

  it('answers validation messages in English when asked to', async () => {
    const { data } = plant();
    (data.applicant as Record<string, unknown>).email = 'no-email';
    const answer = await submit('fischereischein', { data }, { 'accept-language': 'en' });
    expect(answer.status).toBe(422);
    expect(answer.body.errors[0].message).toMatch(/must/);
  });

  it('never echoes a submitted value in an error', async () => {
    const { data, marker } = plant();
    (data.applicant as Record<string, unknown>).email = `${marker}@`;
    (data.applicant as Record<string, unknown>).phone = marker;
    (data as Record<string, unknown>).licenceType = marker;
    (data as Record<string, unknown>).unexpected = marker;
    const answer = await submit('fischereischein', { data });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toHaveLength(4);
    expect(answer.text).not.toContain(marker);
  });

  it('points at an unknown property by its name, the only way a form can show where it is', async () => {
    const { data } = plant();
    (data as Record<string, unknown>)['a/b~c'] = 1;
    const answer = await submit('fischereischein', { data });
    expect(answer.body.errors).toEqual([{ pointer: '/data/a~1b~0c', keyword: 'additionalProperties', message: expect.any(String) }]);
  });

  it('treats __proto__ and constructor keys as plain data', async () => {
    const { marker } = plant();
    const raw = `{"data": {"__proto__": {"polluted": "${marker}"}, "constructor": {"prototype": {"x": 1}}}}`;
    const answer = await call('POST', '/forms/fischereischein/submissions', { raw, headers: { 'content-type': 'application/json' } });
    expectProblem(answer, 422, 'validation-failed');
    const pointers = answer.body.errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/data/__proto__', '/data/constructor']));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The service is unharmed: the next submission still works.
    expect((await submit('fischereischein', { data: plant().data })).status).toBe(201);
  });

  it('stores nothing for a refused submission', async () => {
    const { data, marker } = plant();
    delete (data.applicant as Record<string, unknown>).email;
    await submit('fischereischein', { data });
    expect(await casesContaining(marker)).toEqual([]);
  });

  it('answers 503 and stores nothing when KMS fails', async () => {
    const { data, marker } = plant();
    await kmsFault({ operation: 'GenerateDataKey', kind: 'error' });
    try {
      expectProblem(await submit('fischereischein', { data }), 503, 'unavailable');
    } finally {
      await kmsFault(null);
    }
    expect(await casesContaining(marker)).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the same body with the original 201 and creates nothing', async () => {
    const { data, marker } = plant();
    const key = randomUUID();
    const first = await submit('fischereischein', { data }, { 'idempotency-key': key });
    const again = await submit('fischereischein', { data }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await casesContaining(marker)).toHaveLength(1);
  });

  it('answers the same key with a different body with 422 idempotency-key-reused', async () => {
    const key = randomUUID();
    expect((await submit('fischereischein', { data: plant().data }, { 'idempotency-key': key })).status).toBe(201);
    const other = plant();
    const answer = await submit('fischereischein', { data: other.data }, { 'idempotency-key': key });
    expect(answer.status).toBe(422);
    expect(answer.body.type).toBe('urn:problem:idempotency-key-reused');
    expect(await casesContaining(other.marker)).toEqual([]);
  });

  it('answers 409 while the first request with the key is still in flight', async () => {
    const { data, marker } = plant();
    const key = randomUUID();
    await kmsFault({ operation: 'GenerateDataKey', kind: 'delay', delayMs: 1500, times: 1 });
    try {
      const first = submit('fischereischein', { data }, { 'idempotency-key': key });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const second = await submit('fischereischein', { data }, { 'idempotency-key': key });
      expect(second.status).toBe(409);
      expect(second.body.type).toBe('urn:problem:idempotency-in-progress');
      expect((await first).status).toBe(201);
    } finally {
      await kmsFault(null);
    }
    expect(await casesContaining(marker)).toHaveLength(1);
  });

  it('creates one case from ten concurrent retries of one key', async () => {
    const { data, marker } = plant();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => submit('fischereischein', { data }, { 'idempotency-key': key })));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(statuses).toContain(201);
    const caseIds = new Set(answers.filter((answer) => answer.status === 201).map((answer) => answer.body.caseId));
    expect(caseIds.size).toBe(1);
    const stored = await casesContaining(marker);
    expect(stored.map((item) => item.caseId?.S)).toEqual([...caseIds]);
    // Once settled, every retry gets the original answer.
    const late = await submit('fischereischein', { data }, { 'idempotency-key': key });
    expect(late.status).toBe(201);
    expect(late.body.caseId).toBe([...caseIds][0]);
  });

  it('lets a retry succeed after a failure that acknowledged nothing', async () => {
    const { data, marker } = plant();
    const key = randomUUID();
    await kmsFault({ operation: 'GenerateDataKey', kind: 'error' });
    try {
      expect((await submit('fischereischein', { data }, { 'idempotency-key': key })).status).toBe(503);
    } finally {
      await kmsFault(null);
    }
    const retry = await submit('fischereischein', { data }, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(await casesContaining(marker)).toHaveLength(1);
  });

  it('keeps keys of different forms apart', async () => {
    const key = randomUUID();
    expect((await submit('fischereischein', { data: plant().data }, { 'idempotency-key': key })).status).toBe(201);
    expect((await submit('wohngeld', { data: fixture('wohngeld') }, { 'idempotency-key': key, ...(await citizenHeadersFor('wohngeld')) })).status).toBe(201);
  });
});

describe('what is at rest after all of the above', () => {
  it('holds none of the submitted values in any table, in plaintext or a trivial encoding', async () => {
    expect(planted.length).toBeGreaterThan(10);
    const { tables } = stackInfo();
    for (const table of [tables.cases, tables.events, tables.idempotency]) {
      expect(await plaintextLeaks(table, planted)).toEqual([]);
    }
  });

  it('would notice a planted value stored in plaintext', async () => {
    // The leak check itself can fail: a reference is stored in plaintext, so it must be found.
    const { data } = plant();
    const answer = await submit('fischereischein', { data });
    expect(await plaintextLeaks(stackInfo().tables.cases, [answer.body.reference])).toEqual([answer.body.reference]);
  });
});
