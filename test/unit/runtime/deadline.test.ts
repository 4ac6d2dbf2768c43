import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { Context } from 'aws-lambda';
import { httpRoute } from '#lib/http/pipeline.ts';
import { json } from '#lib/http/response.ts';
import { apiEvent } from '../../support/events.ts';
import { ANSWER_RESERVE_MS, boundedByDeadline, requestDeadline, withDeadline } from '#lib/runtime/deadline.ts';

/** A dependency that accepts every request and never answers. */
let stalled: Server;
let endpoint: string;
beforeAll(async () => {
  stalled = createServer(() => undefined);
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
});
afterAll(async () => {
  stalled.closeAllConnections();
  await new Promise((resolve) => stalled.close(resolve));
});

const contextWith = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

/** A client that, left alone, would wait 3 × 5 s for the stalled dependency. */
const patientClient = () =>
  boundedByDeadline(
    new KMSClient({
      region: 'eu-central-1',
      endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
    }),
  );

describe('the request deadline', () => {
  it('ends every AWS call of a request by the function time left minus the answer reserve', async () => {
    const kms = patientClient();
    const started = performance.now();
    const failure = await withDeadline(async () => kms.send(new DescribeKeyCommand({ KeyId: 'k' })))({}, contextWith(ANSWER_RESERVE_MS + 400)).catch(
      (error: unknown) => error as Error,
    );
    const elapsed = performance.now() - started;
    kms.destroy();
    expect((failure as Error).name).toBe('AbortError');
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('is one deadline for all the calls of a request, not a budget per call', async () => {
    const kms = patientClient();
    const started = performance.now();
    const calls: string[] = [];
    await withDeadline(async () => {
      for (let call = 0; call < 3; call++) {
        await kms.send(new DescribeKeyCommand({ KeyId: 'k' })).catch((error: Error) => calls.push(error.name));
      }
    })({}, contextWith(ANSWER_RESERVE_MS + 400));
    kms.destroy();
    expect(calls).toEqual(['AbortError', 'AbortError', 'AbortError']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('exists only inside a request, and each request has its own', async () => {
    expect(requestDeadline()).toBeUndefined();
    const seen: (AbortSignal | undefined)[] = [];
    const handler = withDeadline(async () => void seen.push(requestDeadline()));
    await Promise.all([handler({}, contextWith(5_000)), handler({}, contextWith(5_000))]);
    expect(seen[0]).toBeInstanceOf(AbortSignal);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('lets the HTTP pipeline answer 503 unavailable in time, with nothing acknowledged', async () => {
    const kms = patientClient();
    const route = httpRoute(async () => {
      await kms.send(new DescribeKeyCommand({ KeyId: 'k' }));
      return json(200, {});
    });
    const started = performance.now();
    const answer = await route(apiEvent({ resource: '/forms' }), contextWith(ANSWER_RESERVE_MS + 400));
    kms.destroy();
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body).type).toBe('urn:problem:unavailable');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
