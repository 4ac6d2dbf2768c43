import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { FORM_IDS, hostileKey, hostileValue, INVALID_UTF8, Members, mutation, serialise, validData, type Tree } from './hostileJson.ts';
import type { RawRequest } from './rawHttp.ts';

// Generated hostile requests for the public edge: each kind with the statuses it may get (its
// oracle), built around a fresh marker at run time so that what is stored can be traced.

/** The contract's body limit (API.md: larger than 256 KiB is 413). */
export const BODY_LIMIT = 256 * 1024;

// ---- requests ---------------------------------------------------------------------------------

export type Oracle = readonly number[] | undefined;

/** One generated request: built around a fresh marker at run time, with the statuses it may get. */
export interface HostileCase {
  kind: string;
  /** What a failing run prints. */
  describe(): string;
  build(marker: string): { request: RawRequest; expected: Oracle };
}

function hostileCase(kind: string, summary: unknown, build: HostileCase['build']): HostileCase {
  const text = `${kind}: ${JSON.stringify(summary, (_key, value: unknown) => (typeof value === 'string' && value.length > 300 ? `${value.slice(0, 300)}…(${value.length})` : value))}`;
  return { kind, describe: () => text, build, [fc.toStringMethod]: () => text } as HostileCase;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset="UTF-8"', 'application/json ; charset=UTF-8'];
const NOT_JSON_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/problem+json',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/json',
  'application/jsonp',
  'json',
  '*/*',
  'application/*',
  Buffer.from('application/jsοn').toString('latin1'), // Greek omicron, as a client would put UTF-8 bytes on the wire
  Buffer.from('application/ｊｓｏｎ').toString('latin1'),
  'application/json\u00a0',
  'application/json, text/plain',
];

/** What a header value may hold on the wire (Node refuses the rest before sending): tab, printable ASCII, latin1. */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)).map((c) => String.fromCharCode(c)), maxLength });

const acceptLanguage = fc.option(
  fc.oneof(fc.constantFrom('en', 'de', 'en;q=NaN', 'de;q=1e400, en;q=0.5', '*', 'en-GB;q=0.8, de;q=0.5', ',,,,;;;q=', `${'en,'.repeat(1000)}de`), headerText(60)),
  { nil: undefined },
);

const idempotencyKey = (nonce: string) =>
  fc.option(
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 }).map((key) => `${nonce}-${key}`) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a b', 'x'.repeat(256), Buffer.from('schlüssel').toString('latin1'), '\t', 'ä') },
    ),
    { nil: undefined },
  );

/**
 * Generated keys that are valid get the marker appended, so that two cases never share a key by
 * chance (a shared key with another body is a legitimate 422, which would blur the oracle).
 */
function headersOf(contentType: string | undefined, extra: { language?: string; key?: string }, marker = ''): Record<string, string> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (extra.language !== undefined) headers['accept-language'] = extra.language;
  if (extra.key !== undefined) headers['idempotency-key'] = /^[\x21-\x7e]{1,200}$/.test(extra.key) ? `${extra.key}-${marker}` : extra.key;
  return headers;
}

const submissionPath = (formId: string) => `/forms/${formId}/submissions`;

function body(data: Tree, extra: [string, Tree][] = [], pretty = false): Buffer {
  return Buffer.from(serialise(new Members([['data', data], ...extra]), pretty ? '\n  ' : ''), 'utf8');
}

/** Valid applications with harmless variations of form: these must be 201 and stored exactly once. */
const validCase = (nonce: string) =>
  fc
    .record({
      formId: fc.constantFrom(...FORM_IDS),
      version: fc.constantFrom<'latest' | 'explicit'>('latest', 'explicit'),
      contentType: fc.constantFrom(...JSON_TYPES),
      pretty: fc.boolean(),
      escapeNonAscii: fc.boolean(),
      language: acceptLanguage,
      key: idempotencyKey(nonce).filter((key) => key === undefined || /^[\x21-\x7e]{1,255}$/.test(key)),
      pathStyle: fc.constantFrom('plain', 'percent-encoded', 'dot-segments', 'query'),
    })
    .map((v) =>
      hostileCase('valid', v, (marker) => {
        const versionMember: [string, Tree][] = v.version === 'explicit' ? [['formVersion', v.formId === 'fischereischein' ? 2 : 1]] : [];
        let text = body(validData(v.formId, marker), versionMember, v.pretty).toString('utf8');
        if (v.escapeNonAscii) text = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        const path =
          v.pathStyle === 'percent-encoded'
            ? `/forms/${[...v.formId].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}/submissions`
            : v.pathStyle === 'dot-segments'
              ? `/forms/x/../${v.formId}/./submissions`
              : v.pathStyle === 'query'
                ? `${submissionPath(v.formId)}?formVersion=99&__proto__[x]=1`
                : submissionPath(v.formId);
        return {
          request: { method: 'POST', path, headers: headersOf(v.contentType, v, marker), body: Buffer.from(text, 'utf8') },
          expected: [201],
        };
      }),
    );

/** A valid application mutated one to three times: hostile values, keys, numbers, duplicates. */
const mutatedCase = (nonce: string) =>
  fc
    .record({
      formId: fc.constantFrom(...FORM_IDS),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
      topLevel: fc.option(fc.array(fc.tuple(fc.oneof(fc.constantFrom('formVersion', 'data'), hostileKey), hostileValue), { maxLength: 2 }), { nil: undefined }),
      language: acceptLanguage,
      key: idempotencyKey(nonce),
    })
    .map((v) =>
      hostileCase('mutated', { ...v, mutations: v.mutations.length }, (marker) => {
        let data = validData(v.formId, marker);
        for (const mutate of v.mutations) data = mutate(data, marker);
        // The marker must stay in every `data` a parser could pick, or a 201 could not be traced.
        if (!serialise(data, '').includes(marker)) data = data instanceof Members ? new Members([...data.entries, ['m', marker]]) : new Members([['m', marker], ['v', data]]);
        if (!(data instanceof Members)) data = new Members([['m', marker], ['v', data]]);
        const extra = (v.topLevel ?? []).map(([key, value]): [string, Tree] => (key === 'data' ? [key, new Members([['m', marker], ['v', value]])] : [key, value]));
        return {
          request: { method: 'POST', path: submissionPath(v.formId), headers: headersOf('application/json', v, marker), body: body(data, extra) },
          expected: undefined,
        };
      }),
    );

/** Random bodies: any JSON (object or not) or no JSON at all, the marker inside. */
const randomBodyCase = fc
  .record({
    formId: fc.constantFrom(...FORM_IDS, 'unbekannt'),
    shape: fc.constantFrom('json-value', 'wrapped', 'bytes', 'truncated', 'empty', 'whitespace', 'bom'),
    value: fc.jsonValue({ maxDepth: 4 }),
    bytes: fc.uint8Array({ maxLength: 200 }),
    cut: fc.nat(),
  })
  .map((v) =>
    hostileCase('random-body', { ...v, bytes: v.bytes.length }, (marker) => {
      let raw: Buffer;
      switch (v.shape) {
        case 'json-value':
          raw = Buffer.from(JSON.stringify([marker, v.value]));
          break;
        case 'wrapped':
          raw = Buffer.from(JSON.stringify({ data: { marker, value: v.value } }));
          break;
        case 'bytes':
          raw = Buffer.concat([Buffer.from(marker), Buffer.from(v.bytes)]);
          break;
        case 'truncated': {
          const text = JSON.stringify({ data: { marker, value: v.value } });
          raw = Buffer.from(text.slice(0, text.length > 1 ? v.cut % (text.length - 1) : 0));
          break;
        }
        case 'empty':
          raw = Buffer.alloc(0);
          break;
        case 'whitespace':
          raw = Buffer.from(` \t\r\n${JSON.stringify({ data: { familyName: marker } })}\u00a0`);
          break;
        default:
          raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ data: { familyName: marker } }))]);
      }
      return { request: { method: 'POST', path: submissionPath(v.formId), headers: { 'content-type': 'application/json' }, body: raw }, expected: undefined };
    }),
  );

/** A valid application with invalid UTF-8 spliced into a string value or anywhere. */
const invalidUtf8Case = fc
  .record({
    formId: fc.constantFrom(...FORM_IDS),
    bytes: fc.constantFrom(...INVALID_UTF8),
    where: fc.constantFrom('in-marker-value', 'anywhere'),
    at: fc.nat(),
  })
  .map((v) =>
    hostileCase('invalid-utf8', v, (marker) => {
      const text = body(validData(v.formId, marker));
      const bad = Buffer.from(v.bytes);
      let raw: Buffer;
      if (v.where === 'in-marker-value') {
        const at = text.indexOf(marker) + marker.length;
        raw = Buffer.concat([text.subarray(0, at), Buffer.from(' '), bad, text.subarray(at)]);
      } else {
        // anywhere but inside the marker, which must stay whole to trace what is stored
        const markerAt = text.indexOf(marker);
        let at = v.at % text.length;
        if (at > markerAt && at < markerAt + marker.length) at = markerAt + marker.length;
        raw = Buffer.concat([text.subarray(0, at), bad, text.subarray(at)]);
      }
      return { request: { method: 'POST', path: submissionPath(v.formId), headers: { 'content-type': 'application/json' }, body: raw }, expected: undefined };
    }),
  );

/** A valid application under a media type that is not JSON (or none): 415. */
const wrongTypeCase = fc
  .record({ formId: fc.constantFrom(...FORM_IDS), contentType: fc.option(fc.constantFrom(...NOT_JSON_TYPES), { nil: undefined }) })
  .map((v) =>
    hostileCase('wrong-content-type', v, (marker) => ({
      request: { method: 'POST', path: submissionPath(v.formId), headers: headersOf(v.contentType, {}), body: body(validData(v.formId, marker)) },
      expected: [415],
    })),
  );

/** Bodies around and far over the 256 KiB limit: over it is 413 whatever else is wrong. */
const sizeCase = fc
  .record({
    formId: fc.constantFrom(...FORM_IDS),
    size: fc.oneof(fc.integer({ min: BODY_LIMIT - 8, max: BODY_LIMIT + 8 }), fc.integer({ min: BODY_LIMIT + 1, max: 1_200_000 })),
    contentType: fc.constantFrom('application/json', 'text/plain'),
    padding: fc.constantFrom('x', 'ü'),
  })
  .map((v) =>
    hostileCase('size', v, (marker) => {
      const text = body(validData(v.formId, marker), [['padding', '']]);
      const missing = v.size - text.length;
      let raw = text;
      if (missing > 0) {
        const unitBytes = Buffer.byteLength(v.padding);
        const units = Math.floor(missing / unitBytes);
        const pad = v.padding.repeat(units) + 'x'.repeat(missing - units * unitBytes);
        const at = text.lastIndexOf('""') + 1;
        raw = Buffer.concat([text.subarray(0, at), Buffer.from(pad), text.subarray(at)]);
      }
      const over = raw.length > BODY_LIMIT;
      const expected = over ? [413] : v.contentType === 'text/plain' ? [415] : [400];
      return { request: { method: 'POST', path: submissionPath(v.formId), headers: { 'content-type': v.contentType }, body: raw }, expected };
    }),
  );

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'QUERY'];
const ROUTE_PATHS = ['/forms', '/forms/fischereischein', '/forms/fischereischein/submissions', '/cases', '/cases/01JD3ZK8Y2V7Q9W4X6T5R3M1NB', '/cases/01JD3ZK8Y2V7Q9W4X6T5R3M1NB/events', '/openapi.json', '/health'];
const pathSegment = fc.oneof(
  fc.constantFrom('forms', 'cases', 'submissions', 'events', '..', '.', '', '%2e%2e', '%2F', '%00', '%', '%zz', '%C0%AF', '%E2%80%AE', '~', '*', 'fischereischein', 'FISCHEREISCHEIN', encodeURIComponent('fischereischeın'), '__proto__', 'constructor', 'openapi.json', '%66ischereischein'),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.integer({ min: 1000, max: 4000 }).map((n) => 'a'.repeat(n)),
);
/**
 * Request targets stay under 6 KB: together with the other headers below Node's 16 KiB header
 * limit, past which Node's HTTP parser answers 431 itself (API Gateway has a limit of its own).
 */
const oddPath = fc.oneof(
  fc.constantFrom(...ROUTE_PATHS),
  fc.array(pathSegment, { minLength: 0, maxLength: 6 }).map((segments) => `/${segments.join('/')}`),
  fc.tuple(fc.constantFrom(...ROUTE_PATHS), fc.constantFrom('/', '//', '?', '?version=0', '?version=1e400', '?version=-1', '?version=01', '?version=2&version=1', '#x', '?__proto__=1', '%20', ';a=b', '?limit=100000&cursor=%00')).map(([p, s]) => p + s),
  fc.constantFrom('//forms', '/forms//fischereischein', '/FORMS', '/forms/fischereischein/submissions/../../../etc/passwd', '/./forms', '/forms/%2e%2e/openapi.json', '*'),
).map((path) => path.slice(0, 6000));

/** Any method on any path, with or without a body and odd headers. */
const oddRequestCase = fc
  .record({
    method: fc.constantFrom(...METHODS),
    path: oddPath,
    withBody: fc.boolean(),
    contentType: fc.option(fc.constantFrom(...JSON_TYPES, ...NOT_JSON_TYPES), { nil: undefined }),
    language: acceptLanguage,
    authorization: fc.option(fc.constantFrom('Bearer', 'Bearer x.y.z', 'Basic YWxpY2U6c2VjcmV0', 'bearer a.b.c', `Bearer ${'a'.repeat(5000)}`), { nil: undefined }),
    // header names are client input too: object machinery, and names API Gateway sets itself
    oddHeader: fc.option(fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'X-Amzn-Trace-Id', 'X-Forwarded-For'), { nil: undefined }),
  })
  .map((v) =>
    hostileCase('odd-request', v, (marker) => {
      const headers = headersOf(v.contentType, v, marker);
      if (v.authorization) headers.authorization = v.authorization;
      if (v.oddHeader) headers[v.oddHeader] = '{"polluted":true}';
      const request: RawRequest = { method: v.method, path: v.path, headers };
      if (v.withBody && v.method !== 'GET' && v.method !== 'HEAD') request.body = body(validData('fischereischein', marker));
      return { request, expected: undefined };
    }),
  );

function jwt(header: object, payload: object, sign: (input: string) => string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part(header)}.${part(payload)}`;
  return `${input}.${sign(input)}`;
}

/** Clerk routes with every kind of token that must not pass: 401, nothing else. */
const forgedTokenCase = fc
  .record({
    route: fc.constantFrom<[string, string]>(
      ['GET', '/cases'],
      ['GET', '/cases?office=ordnungsamt'],
      ['GET', '/cases/01JD3ZK8Y2V7Q9W4X6T5R3M1NB'],
      ['GET', '/cases/01JD3ZK8Y2V7Q9W4X6T5R3M1NB/events'],
      ['PATCH', '/cases/01JD3ZK8Y2V7Q9W4X6T5R3M1NB'],
    ),
    alg: fc.constantFrom('none', 'HS256', 'RS256', 'None', ''),
    groups: fc.constantFrom(['ordnungsamt'], ['ordnungsamt', 'jugendamt'], 'ordnungsamt', []),
    exp: fc.constantFrom(0, -1, 4_102_444_800, Number.POSITIVE_INFINITY, '9999999999'),
    scheme: fc.constantFrom('Bearer ', 'bearer ', 'Bearer  ', 'Token ', ''),
  })
  .map((v) =>
    hostileCase('forged-token', v, (marker) => {
      const now = Math.floor(Date.now() / 1000);
      const token = jwt(
        { alg: v.alg, typ: 'JWT', kid: 'local-1' },
        { sub: marker, 'cognito:groups': v.groups, token_use: 'id', iss: 'https://cognito-idp.local/egov-forms-local', aud: 'egov-forms-local-clerks', iat: now, exp: v.exp },
        (input) => (v.alg === 'none' || v.alg === 'None' || v.alg === '' ? '' : createHmac('sha256', marker).update(input).digest('base64url')),
      );
      const [method, path] = v.route;
      const headers: Record<string, string> = { authorization: `${v.scheme}${token}` };
      const request: RawRequest = { method, path, headers };
      if (method === 'PATCH') {
        headers['content-type'] = 'application/json';
        headers['if-match'] = '"1"';
        request.body = Buffer.from(JSON.stringify({ status: 'in_review', note: marker }));
      }
      return { request, expected: [401] };
    }),
  );

/** The whole mix; `nonce` keeps generated Idempotency-Keys apart from other runs. */
export function hostileRequests(nonce: string): fc.Arbitrary<HostileCase> {
  return fc.oneof(
    { weight: 3, arbitrary: validCase(nonce) },
    { weight: 6, arbitrary: mutatedCase(nonce) },
    { weight: 2, arbitrary: randomBodyCase },
    { weight: 2, arbitrary: invalidUtf8Case },
    { weight: 1, arbitrary: wrongTypeCase },
    { weight: 1, arbitrary: sizeCase },
    { weight: 3, arbitrary: oddRequestCase },
    { weight: 1, arbitrary: forgedTokenCase },
  );
}

/** What the server made of a body: the JSON its `data` parses to, as the server would store it. */
export function storedFormOf(body: Buffer | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body?.toString('utf8') ?? '') as { data?: unknown };
    return JSON.stringify(parsed.data);
  } catch {
    return undefined;
  }
}
