import { describe, expect, it } from '@jest/globals';
import { functions } from '../../../functions/functions.ts';
import { CONFIG_OF_NEED, configNames, readConfig } from '#lib/runtime/config.ts';

describe('handler configuration from needs', () => {
  it('names one setting per present need and none for absent or empty ones', () => {
    expect(configNames({})).toEqual([]);
    expect(configNames({ cases: [], forms: true })).toEqual(['FORMS_DIR']);
    expect(configNames({ caseKey: ['kms:Decrypt'], events: ['dynamodb:PutItem'], hmacSecret: true }).sort()).toEqual(
      ['CASE_KEY_ID', 'EVENTS_TABLE', 'HMAC_SECRET_ID'].sort(),
    );
  });

  it('gives every need of the vocabulary a distinct setting', () => {
    const names = Object.values(CONFIG_OF_NEED);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reads exactly the settings of the needs, ignoring the rest of the environment', () => {
    const env = { CASES_TABLE: 'cases', EVENTS_TABLE: 'events', HMAC_SECRET_ID: 'secret', PATH: '/bin' };
    const config = readConfig(functions.listCases.needs, env);
    expect(config).toEqual({ CASES_TABLE: 'cases', HMAC_SECRET_ID: 'secret' });
    // The type follows the needs: a setting the function has no need for does not exist on it.
    // @ts-expect-error listCases has no need of the events table
    expect(config.EVENTS_TABLE).toBeUndefined();
  });

  it('fails the cold start naming every missing setting', () => {
    expect(() => readConfig(functions.submit.needs, { CASES_TABLE: 'cases' })).toThrow(
      'Handler configuration is incomplete: CASE_KEY_ID, EVENTS_TABLE, IDEMPOTENCY_TABLE, HMAC_SECRET_ID, FORMS_DIR',
    );
  });
});
