import { afterEach, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import fc from 'fast-check';
import { fixedRoute } from '#lib/http/fixedRoute.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { formVersionOf } from '../../../functions/getForm/query.ts';
import { capturedOutput } from '../../support/logCapture.ts';

/**
 * The public read routes answer through fixedRoute (no middy, no Powertools): every answer, success
 * or problem, must be the one the middy chain of httpRoute gives for the same request, with the
 * same CORS settings.
 */

const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

afterEach(() => {
  delete process.env.CORS_ALLOWED_ORIGINS;
});

/** What a route does with a request: answer, refuse as the contract says, or fail by a bug. */
function story(event: { queryStringParameters?: Record<string, string | undefined> | null; pathParameters?: Record<string, string | undefined> | null }): HttpResult {
  const version = formVersionOf(event.queryStringParameters ?? {});
  const formId = event.pathParameters?.formId ?? '';
  if (formId === 'bug') throw new TypeError('a bug that quotes data: Erika Mustermann');
  if (formId !== 'known') throw new ProblemError('not-found', { detail: { de: 'Formular oder Version unbekannt.', en: 'Unknown form or form version.' } });
  return json(200, { id: formId, version: version ?? 1 }, { headers: { 'Cache-Control': 'public, max-age=300' } });
}

const ORIGIN_SETTINGS = [
  '',
  'https://formulare.example.de',
  'https://formulare.example.de,https://sachbearbeitung.example.de',
  'https://*.example.de',
  '*',
  'http://127.0.0.1:8080,https://bürgerportal.example',
];

const headerName = (name: string) => fc.constantFrom(name, name.toUpperCase(), name.replace(/^./, (c) => c.toUpperCase()));
const origin = fc.oneof(
  fc.constantFrom('https://formulare.example.de', 'HTTPS://Formulare.Example.DE', 'https://sachbearbeitung.example.de', 'https://x.example.de'),
  fc.constantFrom('https://evil.example', 'https://formulare.example.de.evil.example', 'http://127.0.0.1:8080', 'https://bürgerportal.example', 'null', '', '*'),
  fc.string({ maxLength: 30 }),
);
const headers = fc.dictionary(
  fc.oneof(headerName('origin'), headerName('accept-language'), fc.constantFrom('x-forwarded-for', 'Accept')),
  fc.oneof(origin, fc.constantFrom('en', 'de', 'en-GB,en;q=0.9', 'fr, en;q=0.5')),
  { maxKeys: 4 },
);
const query = fc.option(
  fc.dictionary(fc.constantFrom('version', 'other', 'Version'), fc.constantFrom('1', '2', '0', 'x', '1000000', '01'), { maxKeys: 2 }),
  { nil: null },
);
const eventOf = fc.record({
  headers: fc.option(headers, { nil: null }),
  queryStringParameters: query,
  pathParameters: fc.option(fc.record({ formId: fc.constantFrom('known', 'unknown', 'bug') }), { nil: null }),
  requestId: fc.constantFrom('r-1', 'r-2'),
});

const toEvent = ({ requestId, ...event }: typeof eventOf extends fc.Arbitrary<infer T> ? T : never): APIGatewayProxyEvent =>
  ({ ...event, httpMethod: 'GET', resource: '/forms/{formId}', body: null, isBase64Encoded: false, requestContext: { requestId } }) as unknown as APIGatewayProxyEvent;

describe('fixedRoute', () => {
  it.each(ORIGIN_SETTINGS)('answers every request exactly as httpRoute does (CORS_ALLOWED_ORIGINS=%j)', async (origins) => {
    process.env.CORS_ALLOWED_ORIGINS = origins;
    const fixed = fixedRoute(story);
    const chained = httpRoute(async (event) => story(event));
    await capturedOutput(() =>
      fc.assert(
        fc.asyncProperty(eventOf, async (generated) => {
          // Each gets its own copy: middy's header normalizer replaces the event's headers.
          const expected = await chained(toEvent(structuredClone(generated)), context);
          const answered = await fixed(toEvent(structuredClone(generated)));
          expect(answered).toEqual(expected);
        }),
        { numRuns: 300 },
      ),
    );
  });

  it('makes up a request id where API Gateway gave none, as httpRoute does', async () => {
    const answered = await fixedRoute(() => json(200, {}))({ headers: {}, requestContext: {} } as unknown as APIGatewayProxyEvent);
    expect(answered.headers['X-Request-Id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('logs an unexpected failure as one structured line naming the error, never its message', async () => {
    const output = await capturedOutput(() =>
      fixedRoute(story)({ headers: {}, pathParameters: { formId: 'bug' }, resource: '/forms/{formId}', requestContext: { requestId: 'r-9' } } as unknown as APIGatewayProxyEvent),
    );
    const lines = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ level: 'ERROR', message: 'unexpected failure', errorName: 'TypeError', requestId: 'r-9', route: '/forms/{formId}' })]);
    expect(output).not.toContain('Mustermann');
  });
});
