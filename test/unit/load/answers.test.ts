import { describe as suite, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { classify, describe } from '../../load/answers.ts';

const problem = (slug: string) => `urn:problem:${slug}`;

suite('the load test reads answers by the contract', () => {
  test('the awaited answer is final', () => {
    expect(classify('submission', { status: 201 })).toBe('final');
    expect(classify('read', { status: 200 })).toBe('final');
  });

  test('503, 429 and a submission 409 idempotency-in-progress are shed and retried', () => {
    expect(classify('submission', { status: 503, type: problem('unavailable') })).toBe('retry');
    expect(classify('submission', { status: 429, type: problem('rate-limited') })).toBe('retry');
    expect(classify('submission', { status: 409, type: problem('idempotency-in-progress') })).toBe('retry');
    expect(classify('read', { status: 503, type: problem('unavailable') })).toBe('retry');
    expect(classify('read', { status: 429 })).toBe('retry');
  });

  test('no answer at all (timeout, reset) is retried with the same key', () => {
    expect(classify('submission', { status: 0 })).toBe('retry');
    expect(classify('read', { status: 0 })).toBe('retry');
  });

  test('answers the contract forbids are unexpected', () => {
    expect(classify('submission', { status: 409, type: problem('idempotency-key-reused') })).toBe('unexpected');
    expect(classify('submission', { status: 422, type: problem('idempotency-key-reused') })).toBe('unexpected');
    expect(classify('submission', { status: 422, type: problem('validation-failed') })).toBe('unexpected');
    expect(classify('submission', { status: 500, type: problem('integrity-error') })).toBe('unexpected');
    expect(classify('submission', { status: 200 })).toBe('unexpected');
    expect(classify('read', { status: 201 })).toBe('unexpected');
    expect(classify('read', { status: 409, type: problem('idempotency-in-progress') })).toBe('unexpected');
    expect(classify('submission', { status: 503, type: problem('integrity-error') })).toBe('unexpected');
  });

  test('the order in which retry answers arrive does not matter: each is a retry, whatever came before', () => {
    const retryable = fc.constantFrom(
      { status: 0 },
      { status: 503, type: problem('unavailable') },
      { status: 429, type: problem('rate-limited') },
      { status: 429 },
      { status: 409, type: problem('idempotency-in-progress') },
    );
    fc.assert(
      fc.property(fc.array(retryable, { minLength: 1, maxLength: 12 }), (answers) => {
        // The classification is of the answer alone: no history can turn a retry into a failure.
        expect(answers.map((answer) => classify('submission', answer))).toEqual(answers.map(() => 'retry'));
      }),
    );
  });

  test('the report names the answer', () => {
    expect(describe('submission', { status: 409, type: problem('idempotency-in-progress') })).toBe('submission 409 urn:problem:idempotency-in-progress');
    expect(describe('read', { status: 0 })).toBe('read 0 (no answer)');
  });
});
