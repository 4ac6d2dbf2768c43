import { describe, expect, it } from '@jest/globals';
import { call } from '../support/api.ts';
import { absentFormId, formCatalogue, formOf } from '../support/forms.ts';
import { defaultStageName, loadStageConfig } from '../../infra/config.ts';

describe('GET /health', () => {
  it('answers ok', async () => {
    const answer = await call('GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });
});

describe('GET /forms', () => {
  it('lists the latest version of every form of the catalogue, sorted by id', async () => {
    const answer = await call('GET', '/forms');
    expect(answer.status).toBe(200);
    const listed = answer.body.items.map((item: { id: string; version: number }) => `${item.id}@${item.version}`);
    expect(listed).toEqual(formCatalogue().list().map((form) => `${form.id}@${form.version}`));
    const fishing = answer.body.items.find((item: { id: string }) => item.id === 'fischereischein');
    expect(fishing.version).toBe(formOf('fischereischein').version);
    expect(Object.keys(fishing).sort()).toEqual(['description', 'id', 'office', 'officeName', 'title', 'version']);
    expect(fishing.title.de).toMatch(/Fischerei/);
    expect(fishing.title.en).toMatch(/fishing/i);
  });

  it("names each form's office as the stage file does (officeName)", async () => {
    const { offices } = loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined));
    const answer = await call('GET', '/forms');
    for (const item of answer.body.items as { office: string; officeName: unknown }[]) {
      expect(item.officeName).toEqual(offices.find((office) => office.id === item.office)?.name);
    }
  });

  it('carries an X-Request-Id', async () => {
    const answer = await call('GET', '/forms');
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /forms/{formId}', () => {
  it('returns the latest version with its JSON Schema', async () => {
    const answer = await call('GET', '/forms/wohngeld');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: 'wohngeld', version: formOf('wohngeld').version, office: 'wohngeldstelle' });
    expect(answer.body.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('returns an older version when asked for it', async () => {
    const answer = await call('GET', '/forms/fischereischein?version=1');
    expect(answer.status).toBe(200);
    expect(answer.body.version).toBe(1);
  });

  it('answers an unknown form with a 404 problem document', async () => {
    const answer = await call('GET', `/forms/${absentFormId()}`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'urn:problem:not-found', status: 404 });
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers an unknown version with 404', async () => {
    expect((await call('GET', '/forms/wohngeld?version=99')).status).toBe(404);
  });

  it('answers a malformed version parameter with 400', async () => {
    const answer = await call('GET', '/forms/wohngeld?version=abc');
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:problem:malformed-request');
  });

  it('answers an unknown query parameter with 400', async () => {
    expect((await call('GET', '/forms/wohngeld?versoin=1')).status).toBe(400);
  });
});

describe('unknown routes', () => {
  it('answer 404 problem documents', async () => {
    for (const [method, path] of [
      ['GET', '/nothing'],
      ['DELETE', '/forms'],
      ['PUT', '/cases/x'],
    ] as const) {
      const answer = await call(method, path);
      expect(answer.status).toBe(404);
      expect(answer.body.type).toBe('urn:problem:not-found');
    }
  });
});
