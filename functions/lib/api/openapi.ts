import * as z from 'zod';
import packageJson from '../../../package.json' with { type: 'json' };
import type { Route } from '../../functions.ts';
import { PROBLEMS, problemDocument, type ProblemSlug } from '#lib/http/problem.ts';
import {
  COMMON_PROBLEMS,
  COMPONENTS,
  FORM_DATA_DESCRIPTION,
  OPERATIONS,
  PATH_PARAMETERS,
  PUBLIC_CACHE,
  type OperationDoc,
  type ProblemCase,
} from './openapiOperations.ts';
import * as api from './schemas.ts';

/**
 * The OpenAPI 3.1 document of API.md, generated from the function table's routes (which routes exist, who may
 * call them) and the zod shapes of schemas.ts (what goes in and out). What only prose can say
 * (summaries, when each problem occurs) is written once per handler in openapiOperations.ts; the
 * builder refuses a route without it, so a new route cannot be forgotten there.
 */

export const OPENAPI_VERSION = '3.1.1';
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

type Json = Record<string, unknown>;

/** Example problem documents: the real titles, in English. */
function exampleOf(problem: ProblemCase, doc: OperationDoc | undefined): Json {
  const details: Parameters<typeof problemDocument>[2] =
    problem.slug === 'validation-failed'
      ? {
          errors: [
            { pointer: '/data/applicant/email', keyword: 'format', message: 'must match format "email"' },
            { pointer: '/data/consents/truthfulness', keyword: 'required', message: 'is required' },
          ],
        }
      : problem.slug === 'malformed-request' && doc?.body
        ? { detail: 'The body is not valid JSON.' }
        : problem.slug === 'malformed-request' && doc?.query
          ? { detail: 'A query parameter is invalid.', errors: [{ parameter: Object.keys(doc.query.shape.shape)[0], keyword: 'invalid_format' }] }
          : {};
  return { summary: problem.when, value: problemDocument(problem.slug, 'en', details) };
}

// ---- building ---------------------------------------------------------------------------------

/** Keys sorted at every level: the document is the same byte for byte whatever built it. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Json = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Json)[key]);
  return sorted;
}

const ref = (component: string): Json => ({ $ref: `#/components/schemas/${component}` });

/** The JSON Schemas of COMPONENTS (and of the query shapes, whose properties become parameters). */
function componentSchemas(queries: Record<string, z.ZodObject>): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, { shape }] of Object.entries(COMPONENTS)) registry.add(shape, { id });
  for (const [id, shape] of Object.entries(queries)) registry.add(shape, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    // What the handlers send and, for query parameters, what they accept after parsing
    // (`limit=25` is the integer 25); request bodies involve no transforms.
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
    // Custom shapes have no JSON Schema of their own; the override gives the one we have its own and
    // refuses any other, so that nothing is documented as "anything" by accident.
    unrepresentable: 'any',
    override: (ctx) => {
      if ((ctx.zodSchema as unknown) === api.formData) {
        Object.assign(ctx.jsonSchema, { type: 'object', description: FORM_DATA_DESCRIPTION });
      } else if (['custom', 'transform'].includes(ctx.zodSchema._zod.def.type)) {
        throw new Error(`OpenAPI: a ${ctx.zodSchema._zod.def.type} shape cannot be documented (at ${ctx.path.join('/')})`);
      }
    },
  });
  const result: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as Json;
    const description = COMPONENTS[id]?.description;
    result[id] = description && rest.description === undefined ? { ...rest, description } : rest;
  }
  if ('__shared' in result) throw new Error('OpenAPI: a schema was extracted into __shared; give it a component name');
  return result;
}

function header(description: string, schema: Json, required = true): Json {
  return { description, required, schema };
}

const REQUEST_ID = { $ref: '#/components/headers/RequestId' };
const NO_STORE = { $ref: '#/components/headers/NoStore' };

const HEADERS: Json = {
  RequestId: header('Id of this request; quote it when reporting a problem.', { type: 'string' }),
  NoStore: header('Never cached: problems and answers with case data.', { type: 'string', const: 'no-store' }),
  PublicCache: header('May be cached for 5 minutes: it changes only with a deployment.', { type: 'string', const: PUBLIC_CACHE }),
};

/** `rate-limited` → `RateLimited`: the name of a shared response in components.responses. */
const responseName = (slug: ProblemSlug): string => slug.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());

function problemResponse(cases: readonly ProblemCase[], doc?: OperationDoc): Json {
  const slugs = cases.map((problem) => problem.slug);
  const status = PROBLEMS[cases[0]!.slug];
  const description =
    cases.length === 1 ? `\`${cases[0]!.slug}\`: ${cases[0]!.when}` : cases.map((problem) => `- \`${problem.slug}\`: ${problem.when}`).join('\n');
  const headers: Json = { 'X-Request-Id': REQUEST_ID, 'Cache-Control': NO_STORE };
  if (slugs.includes('idempotency-in-progress') || slugs.includes('rate-limited')) headers['Retry-After'] = header('Seconds to wait before retrying.', { type: 'string', pattern: '^[0-9]+$' }, false);
  if (slugs.includes('precondition-failed')) headers.ETag = header('The current version, when `If-Match` named another.', ref('EntityTag'), false);
  return {
    description,
    headers,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [ref('Problem'), { type: 'object', properties: { type: { enum: slugs.map((slug) => `urn:problem:${slug}`) }, status: { const: status } } }],
        },
        examples: Object.fromEntries(cases.map((problem) => [problem.slug, exampleOf(problem, doc)])),
      },
    },
  };
}

/** The problems routes of a kind share, as components.responses: those `paths` refers to. */
function sharedResponses(paths: string): Json {
  const shared: Json = {};
  for (const cases of Object.values(COMMON_PROBLEMS)) {
    for (const problem of cases) {
      const name = responseName(problem.slug);
      if (paths.includes(`"#/components/responses/${name}"`)) shared[name] = problemResponse([problem]);
    }
  }
  return shared;
}

const isShared = (problem: ProblemCase): boolean => Object.values(COMMON_PROBLEMS).some((cases) => cases.includes(problem));

/** The problems of a route: its own, then those of its kind; a slug the route describes itself is not repeated. */
function problemsOf(route: Route, doc: OperationDoc): ProblemCase[] {
  const all = [...doc.problems];
  const add = (cases: readonly ProblemCase[]) => {
    for (const problem of cases) if (!all.some((known) => known.slug === problem.slug)) all.push(problem);
  };
  if (doc.body) add(COMMON_PROBLEMS.body);
  if (route.access === 'clerk') add(COMMON_PROBLEMS.clerk);
  add(COMMON_PROBLEMS.all);
  return all;
}

function responsesOf(route: Route, doc: OperationDoc): Json {
  const { success } = doc;
  const headers: Json = { 'X-Request-Id': REQUEST_ID };
  if (success.cacheControl) headers['Cache-Control'] = success.cacheControl === 'no-store' ? NO_STORE : { $ref: '#/components/headers/PublicCache' };
  if (success.etag) headers.ETag = header('The case version, to send as `If-Match`.', ref('EntityTag'));
  if (success.replayed) {
    headers['Idempotent-Replayed'] = header('`true` when this answers a repeated `Idempotency-Key`.', { type: 'string', const: 'true' }, false);
  }
  if (success.location) headers.Location = header(success.location, { type: 'string' });
  const content: Json = success.mediaType ? { [success.mediaType]: { schema: { type: 'string' } } } : { 'application/json': { schema: ref(success.component) } };
  if (success.csv) content['text/csv'] = { schema: { type: 'string', description: success.csv } };
  const responses: Json = { [String(success.status)]: { description: success.description, headers, content } };
  const byStatus = new Map<number, ProblemCase[]>();
  for (const problem of problemsOf(route, doc)) {
    const status = PROBLEMS[problem.slug];
    byStatus.set(status, [...(byStatus.get(status) ?? []), problem]);
  }
  for (const [status, cases] of byStatus) {
    const [only] = cases;
    responses[String(status)] =
      cases.length === 1 && only && isShared(only) ? { $ref: `#/components/responses/${responseName(only.slug)}` } : problemResponse(cases, doc);
  }
  return responses;
}

function parametersOf(route: Route, doc: OperationDoc, components: Record<string, Json>): Json[] {
  const parameters: Json[] = [];
  for (const [, name = ''] of route.path.matchAll(/\{([^}]+)\}/g)) {
    const known = PATH_PARAMETERS[name];
    if (!known) throw new Error(`OpenAPI: path parameter {${name}} of ${route.method} ${route.path} has no shape in PATH_PARAMETERS`);
    parameters.push({ name, in: 'path', required: true, description: known.description, schema: ref(known.component) });
  }
  if (doc.query) {
    const schema = components[doc.query.component];
    const properties = (schema?.properties ?? {}) as Record<string, Json>;
    const required = (schema?.required ?? []) as string[];
    for (const name of Object.keys(doc.query.shape.shape)) {
      const description = doc.query.describe[name];
      if (!description) throw new Error(`OpenAPI: query parameter ${name} of ${route.method} ${route.path} has no description`);
      parameters.push({ name, in: 'query', required: required.includes(name), description, schema: properties[name] });
    }
  }
  if (doc.idempotencyKey) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (doc.ifMatch) parameters.push({ $ref: '#/components/parameters/IfMatch' });
  if (doc.statusToken) parameters.push({ $ref: '#/components/parameters/StatusToken' });
  if (doc.statusOrCitizenToken) parameters.push({ $ref: '#/components/parameters/StatusTokenOrCitizenToken' });
  parameters.push({ $ref: '#/components/parameters/AcceptLanguage' });
  return parameters;
}

function operationOf(route: Route, components: Record<string, Json>): Json {
  const doc = OPERATIONS[route.handler];
  if (!doc) throw new Error(`OpenAPI: route ${route.method} ${route.path} (handler ${route.handler}) has no entry in OPERATIONS`);
  const operation: Json = {
    operationId: route.handler,
    tags: [doc.tag],
    summary: doc.summary,
    description: doc.description,
    parameters: parametersOf(route, doc, components),
  };
  if (doc.formBody) {
    const properties = Object.fromEntries(Object.entries(doc.formBody.fields).map(([name, description]) => [name, { type: 'string', description }]));
    operation.requestBody = {
      required: true,
      description: doc.formBody.description,
      content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: Object.keys(properties), properties } } },
    };
  }
  if (doc.body) {
    operation.requestBody = {
      required: true,
      description: doc.body.description,
      content: { 'application/json': { schema: ref(doc.body.component) } },
    };
  }
  operation.responses = responsesOf(route, doc);
  if (route.access === 'clerk') operation.security = [{ bearer: [] }];
  if (doc.citizenToken) operation.security = [{ citizen: [] }];
  // The status token is a header parameter; the citizen token the alternative to it.
  if (doc.statusOrCitizenToken) operation.security = [{}, { citizen: [] }];
  return operation;
}

const LOCAL_SERVER = { url: 'http://127.0.0.1:3000', description: 'Local stack (`npm start`; the port follows `PORT`).' };

/** GET /health is the local gateway's own (API.md, Operational): documented for the local server only. */
const HEALTH_PATH: Json = {
  servers: [LOCAL_SERVER],
  get: {
    operationId: 'health',
    tags: ['operational'],
    summary: 'Liveness of the local stack',
    description: 'Answered by the local gateway only; the deployed API has no such route.',
    responses: {
      200: { description: 'The local stack is up.', headers: { 'X-Request-Id': REQUEST_ID }, content: { 'application/json': { schema: ref('Health') } } },
    },
  },
};

/** The OpenAPI 3.1 document of the API, keys sorted. Pure: the same code builds the same document. */
export function buildOpenApiDocument(routes: readonly Route[]): Json {
  const queries = Object.fromEntries(
    Object.values(OPERATIONS).flatMap((doc) => (doc.query ? [[doc.query.component, doc.query.shape] as const] : [])),
  );
  const schemas = componentSchemas(queries);
  const unused = Object.keys(OPERATIONS).filter((handler) => !routes.some((route) => route.handler === handler));
  if (unused.length > 0) throw new Error(`OpenAPI: OPERATIONS describes handlers without a route: ${unused.join(', ')}`);

  const paths: Record<string, Json> = { '/health': HEALTH_PATH };
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operationOf(route, schemas);
  }
  for (const component of Object.keys(queries)) delete schemas[component];

  return sortKeys({
    openapi: OPENAPI_VERSION,
    jsonSchemaDialect: DIALECT,
    info: {
      title: 'egov-forms API',
      version: packageJson.version,
      summary: 'Online forms of a district administration: citizen submissions and clerk case work.',
      description:
        'Citizens list forms, fetch a form with its JSON Schema and submit applications without authentication. ' +
        "Clerks list, read and process the cases of their offices with a Cognito ID token. Every error is an RFC 9457 " +
        'problem document (`application/problem+json`) with a fixed `type` (`urn:problem:<slug>`); messages are German ' +
        'by default and English with `Accept-Language: en`. Every response carries `X-Request-Id`; answers with case ' +
        'data carry `Cache-Control: no-store`. Times are RFC 3339 UTC with milliseconds.',
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    servers: [
      LOCAL_SERVER,
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'A deployed stack: the `ApiUrl` output of `EgovForms-<stage>`.',
        variables: {
          apiId: { default: 'abcdef1234', description: 'REST API id, from the `ApiUrl` stack output.' },
          region: { default: 'eu-central-1' },
          stage: { default: 'prod', enum: ['dev', 'prod'] },
        },
      },
    ],
    tags: [
      { name: 'forms', description: 'The published forms (public).' },
      { name: 'submissions', description: 'Citizens submit applications (public).' },
      { name: 'status', description: "Citizens ask for their application's status with its status token (public)." },
      { name: 'cases', description: "Clerks' case work (bearer token)." },
      { name: 'sign-in', description: 'Citizen sign-in with BundID (SAML 2.0) and the signed-in citizen\'s cases.' },
      { name: 'operational', description: 'For operators and tooling.' },
    ],
    paths,
    components: {
      schemas,
      headers: HEADERS,
      responses: sharedResponses(JSON.stringify(paths)),
      parameters: {
        AcceptLanguage: {
          name: 'Accept-Language',
          in: 'header',
          required: false,
          description: 'Language of problem titles, details and validation messages: German by default, English when `en` is preferred.',
          schema: { type: 'string' },
          example: 'en',
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Recommended: makes retrying the submission safe for 24 hours.',
          schema: ref('IdempotencyKey'),
        },
        StatusToken: {
          name: 'Status-Token',
          in: 'header',
          required: true,
          description: "The `statusToken` of the submission's `201` (or of the confirmation mail's status link).",
          schema: ref('StatusToken'),
        },
        StatusTokenOrCitizenToken: {
          name: 'Status-Token',
          in: 'header',
          required: false,
          description:
            "The `statusToken` of the submission's `201` (or of the confirmation mail's status link). Required, unless the request " +
            'carries instead the citizen token of the citizen who signed in to submit the case (`Authorization: Bearer`, forms that ' +
            'need sign-in). Any other citizen token, an expired one, or one on a case submitted without sign-in is the same `404` as a wrong status token.',
          schema: ref('StatusToken'),
        },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: true,
          description: 'The `ETag` of the case as last read; without it the answer is `428`.',
          schema: ref('EntityTag'),
        },
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Cognito ID token of a clerk (`Authorization: Bearer <token>`); `cognito:groups` names his offices. ' +
            'Locally, `npm run -s token -- --sub alice --office <office id>` mints one (an office id of the stage file).',
        },
        citizen: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Citizen token from the BundID sign-in (`GET /auth/bundid/login`, then the fragment of the redirect): at most 30 minutes. ' +
            'Forms whose definition has `authentication` need it to be submitted (`401`, `403 insufficient-trust-level`).',
        },
      },
    },
  }) as Json;
}

/** docs/openapi.json as `npm run openapi` writes it: two-space indentation and a final newline. */
export function openApiJson(document: Json): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
