import { afterEach, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { preferredLanguage } from '#lib/http/language.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json } from '#lib/http/response.ts';

const context = { getRemainingTimeInMillis: () => 10_000 } as Context;
const event = (headers: Record<string, string>, body: string | null = null): APIGatewayProxyEvent =>
  ({ headers, body, isBase64Encoded: false, requestContext: { requestId: 'r-1' } }) as unknown as APIGatewayProxyEvent;

afterEach(() => {
  delete process.env.CORS_ALLOWED_ORIGINS;
});

describe('preferredLanguage', () => {
  it.each([
    [undefined, 'de'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['fr, en;q=0.5', 'en'],
    ['en;q=0.2, de;q=0.9', 'de'],
    ['en;q=0', 'de'],
    ['tlh', 'de'],
  ])('%s → %s', (header, language) => {
    expect(preferredLanguage(header)).toBe(language);
  });
});

describe('the HTTP edge', () => {
  it('answers a problem in the requested language, with X-Request-Id and no-store', async () => {
    const handler = httpRoute(async () => {
      throw new ProblemError('not-found', { detail: { de: 'Nicht da.', en: 'Not here.' } });
    });
    const answer = await handler(event({ 'Accept-Language': 'en' }), context);
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(answer.headers['X-Request-Id']).toBe('r-1');
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual({ type: 'urn:problem:not-found', title: 'Not found', status: 404, detail: 'Not here.' });
  });

  it('allows configured CORS origins and no others', async () => {
    process.env.CORS_ALLOWED_ORIGINS = 'https://formulare.example.de,https://sachbearbeitung.example.de';
    const handler = httpRoute(async () => json(200, { ok: true }));
    const allowed = await handler(event({ Origin: 'https://formulare.example.de' }), context);
    expect(allowed.headers['Access-Control-Allow-Origin']).toBe('https://formulare.example.de');
    expect(allowed.headers['Access-Control-Expose-Headers']).toContain('X-Request-Id');
    const foreign = await handler(event({ Origin: 'https://evil.example' }), context);
    expect(foreign.headers['Access-Control-Allow-Origin']).not.toBe('https://evil.example');
  });

  it('adds CORS headers to problem answers too, so a portal can read the error', async () => {
    process.env.CORS_ALLOWED_ORIGINS = 'https://formulare.example.de';
    const handler = httpRoute(async () => json(200, {}), { jsonBody: true });
    const answer = await handler(event({ Origin: 'https://formulare.example.de', 'Content-Type': 'text/plain' }, 'x'), context);
    expect(answer.statusCode).toBe(415);
    expect(answer.headers['Access-Control-Allow-Origin']).toBe('https://formulare.example.de');
  });

  it('sends no CORS headers when no origin is configured (the local stack)', async () => {
    const answer = await httpRoute(async () => json(200, {}))(event({ Origin: 'https://formulare.example.de' }), context);
    expect(answer.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('checks the size on the raw bytes before the media type', async () => {
    const handler = httpRoute(async () => json(200, {}), { jsonBody: true });
    const answer = await handler(event({ 'Content-Type': 'text/plain' }, 'ä'.repeat(140 * 1024)), context);
    expect(answer.statusCode).toBe(413);
  });
});
