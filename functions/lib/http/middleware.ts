import { randomUUID } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { logger } from '#lib/runtime/logger.ts';
import { countIntegrityError } from '#lib/runtime/metrics.ts';
import { preferredLanguage } from './language.ts';
import { ProblemError, problemDocument } from './problem.ts';
import type { HttpResult } from './response.ts';

type HttpRequest = Request<APIGatewayProxyEvent, HttpResult>;

export const MAX_BODY_BYTES = 256 * 1024;

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

function withHeader(request: HttpRequest, name: string, value: string): void {
  if (!request.response) return;
  request.response.headers = { ...request.response.headers, [name]: value };
}

/** Every answer, success or problem, carries the request id API Gateway assigned (X-Request-Id). */
export function requestId(): MiddlewareObj<APIGatewayProxyEvent, HttpResult> {
  const id = (request: HttpRequest): string => {
    const internal = request.internal as { requestId?: string };
    internal.requestId ??= request.event.requestContext?.requestId || randomUUID();
    return internal.requestId;
  };
  return {
    before: (request) => {
      logger.appendKeys({ requestId: id(request), route: request.event.resource });
    },
    after: (request) => withHeader(request, 'X-Request-Id', id(request)),
    onError: (request) => withHeader(request, 'X-Request-Id', id(request)),
  };
}

const THROTTLING = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TooManyRequestsException']);

function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING.has(error.name);
}

function isDependencyFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // AWS SDK v3 errors carry $metadata; socket and timeout errors carry a code or a name.
  return '$metadata' in error || 'code' in error || ['TimeoutError', 'AbortError'].includes((error as Error).name);
}

/**
 * Where a bug is: the first frames of the stack, without the message that heads it. The message may
 * quote data, over several lines (the stack's first line is not all of it).
 */
function framesOf(error: Error): string | undefined {
  const { stack, message } = error;
  if (!stack) return undefined;
  const afterMessage = message && stack.includes(message) ? stack.slice(stack.indexOf(message) + message.length) : stack;
  return afterMessage
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5)
    .join('\n');
}

/**
 * Turns every error into an RFC 9457 problem document. An IntegrityError is `500 integrity-error`
 * on every route. Unknown failures become `503 unavailable`:
 * nothing was acknowledged, and the client may retry. Logs name the error, never its data: the
 * message of a JSON or SDK error can quote the request.
 */
export function problemResponses(): MiddlewareObj<APIGatewayProxyEvent, HttpResult> {
  return {
    onError: (request) => {
      const error = request.error;
      let problem: ProblemError;
      if (error instanceof ProblemError) {
        problem = error;
      } else if (error instanceof IntegrityError) {
        // A stored case failed its check: no data, an error log naming the case, and the metric
        // the stack alarms on. Never retried by the client: it is not a passing failure.
        logger.error('case failed its integrity check', { caseId: error.caseId, reason: error.message });
        countIntegrityError();
        problem = new ProblemError('integrity-error');
      } else if (isThrottling(error)) {
        // A dependency throttled us even after the SDK's retries: back-pressure, nothing stored.
        logger.warn('dependency throttled', { errorName: (error as Error).name });
        problem = new ProblemError('rate-limited', { headers: { 'Retry-After': '1' } });
      } else {
        problem = new ProblemError('unavailable');
        const name = error instanceof Error ? error.name : typeof error;
        if (isDependencyFailure(error)) logger.warn('dependency failed', { errorName: name });
        else logger.error('unexpected failure', { errorName: name, stack: error instanceof Error ? framesOf(error) : undefined });
      }
      if (problem.status >= 500) logger.warn('answered with a server problem', { slug: problem.slug });
      const language = preferredLanguage(header(request.event, 'accept-language'));
      request.response = {
        statusCode: problem.status,
        headers: {
          'Content-Type': 'application/problem+json; charset=utf-8',
          'Cache-Control': 'no-store',
          ...problem.details.headers,
        },
        body: JSON.stringify(problemDocument(problem.slug, language, problem.details)),
      };
    },
  };
}

/** HTTP's optional whitespace is space and tab only; String#trim would also drop NBSP and friends. */
const trimOws = (text: string): string => text.replace(/^[\t ]+|[\t ]+$/g, '');

function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type = '', ...params] = contentType.split(';');
  if (trimOws(type).toLowerCase() !== 'application/json') return false;
  return params.every((param) => {
    const [key = '', value = ''] = param.split('=');
    return trimOws(key).toLowerCase() !== 'charset' || trimOws(value).replace(/^"|"$/g, '').toLowerCase() === 'utf-8';
  });
}

/**
 * JSON.parse turns a number beyond a double's range (`1e400`, a 400-digit integer) into Infinity,
 * which JSON.stringify would later store as `null`. Only a long exponent or a long run of digits
 * can overflow, so the parsed value is walked only when the text has one.
 */
const OVERFLOW_SUSPECT = /[eE][+]?[0-9]{3}|[0-9]{309}/;

function hasNonFiniteNumber(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'number') {
      if (!Number.isFinite(next)) return true;
    } else if (typeof next === 'object' && next !== null) {
      for (const child of Object.values(next)) pending.push(child);
    }
  }
  return false;
}

/**
 * Parses a JSON object body into `event.body`. Size is checked on the raw bytes before anything
 * else (413), then the media type (415), then the syntax (400). `__proto__` and `constructor`
 * keys stay ordinary data: JSON.parse defines own properties and never touches prototypes, which
 * is why this replaces @middy/http-json-body-parser (it rejects such keys, and it accepts any
 * `+json` type, both contrary to the contract).
 */
export function jsonBody(maxBytes = MAX_BODY_BYTES): MiddlewareObj<APIGatewayProxyEvent, HttpResult> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      const raw = body ?? '';
      const size = isBase64Encoded ? Buffer.byteLength(raw, 'base64') : Buffer.byteLength(raw, 'utf8');
      if (size > maxBytes) {
        throw new ProblemError('payload-too-large', {
          detail: { de: `Höchstens ${maxBytes} Bytes sind erlaubt.`, en: `At most ${maxBytes} bytes are allowed.` },
        });
      }
      if (!isJsonMediaType(header(request.event, 'content-type'))) {
        throw new ProblemError('unsupported-media-type', {
          detail: { de: 'Bitte Content-Type: application/json senden.', en: 'Send Content-Type: application/json.' },
        });
      }
      const text = isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ProblemError('malformed-request', {
          detail: { de: 'Der Inhalt ist kein gültiges JSON.', en: 'The body is not valid JSON.' },
        });
      }
      if (OVERFLOW_SUSPECT.test(text) && hasNonFiniteNumber(parsed)) {
        throw new ProblemError('malformed-request', {
          detail: { de: 'Eine Zahl ist zu groß für eine Gleitkommazahl.', en: 'A number is out of the range of a double.' },
        });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new ProblemError('malformed-request', {
          detail: { de: 'Der Inhalt muss ein JSON-Objekt sein.', en: 'The body must be a JSON object.' },
        });
      }
      (request.event as { body: unknown }).body = parsed;
    },
  };
}
