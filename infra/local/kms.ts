// A local stand-in for KMS (and the one Secrets Manager secret the stack needs) that the unmodified
// AWS SDK clients talk to through AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL_SECRETS_MANAGER, so
// handler code runs here exactly as in Lambda. AWS JSON 1.1 over node:http, AES-256-GCM from
// node:crypto. This file is the HTTP endpoint and its fault injection; the operations are in
// kmsOperations.ts, the ciphertext format in kmsCiphertext.ts, what is kept on disk in kmsState.ts.
//
// It listens on 127.0.0.1 and, like AWS, answers only requests carrying a valid SigV4 signature
// of the stack's generated credentials (credentials.ts, sigv4.ts): another local process that
// cannot read the 0600 credentials file cannot unwrap data keys.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, createServices } from './kmsOperations.ts';
import type { ExtraSecret, RequestBody } from './kmsOperations.ts';
import { loadState } from './kmsState.ts';
import { loadOrCreateCredentials, type LocalCredentials } from './credentials.ts';
import { verifySigV4 } from './sigv4.ts';

export interface LocalKmsOptions {
  dataDir: string;
  /** Further secrets Secrets Manager serves by name (the local delivery destinations' signing secrets). */
  extraSecrets?: readonly ExtraSecret[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default eu-central-1. */
  region?: string;
  /** Enables the fault-injection control (object and `/_faults`); for tests only. */
  faults?: boolean;
}

export interface FaultRule {
  /** Operation name (`GenerateDataKey`) or full target (`TrentService.GenerateDataKey`); all if absent. */
  operation?: string;
  kind: 'throttle' | 'error' | 'delay';
  /** How many matching requests get the fault; every one until `clear()` if absent. */
  times?: number;
  /** Required for 'delay'. */
  delayMs?: number;
}

export interface FaultControl {
  /** Replaces the current rule. Throws when faults are disabled or the rule is invalid. */
  set(rule: FaultRule): void;
  clear(): void;
  /** Faults injected since start. */
  readonly injected: number;
}

export interface LocalKms {
  url: string;
  keyId: string;
  keyArn: string;
  aliasName: string;
  /** The asymmetric audit key (ECC_NIST_P256, SIGN_VERIFY) the checkpoint worker signs with. */
  auditKeyArn: string;
  /** ARN of the HMAC secret. */
  secretId: string;
  /** The only credentials whose signatures it accepts (`<dataDir>/credentials.json`). */
  credentials: LocalCredentials;
  faults: FaultControl;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const JSON_11 = 'application/x-amz-json-1.1';
/** The SigV4 signing name of each service, by X-Amz-Target prefix. */
const SIGNING_NAME_OF = new Map([
  ['TrentService', 'kms'],
  ['secretsmanager', 'secretsmanager'],
]);
const SIGNING_NAMES = [...SIGNING_NAME_OF.values()];
const FAULT_KINDS: ReadonlySet<string> = new Set(['throttle', 'error', 'delay']);

export async function startLocalKms(options: LocalKmsOptions): Promise<LocalKms> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'eu-central-1';
  const state = await loadState(options.dataDir, region);
  const credentials = loadOrCreateCredentials(options.dataDir);
  const services = createServices(state, options.extraSecrets);

  // Fault injection: one rule at a time, consumed by matching requests.
  let rule: (FaultRule & { remaining: number }) | undefined;
  let injected = 0;
  const timers = new Set<NodeJS.Timeout>();
  const faults: FaultControl = {
    set(next) {
      if (!options.faults) throw new Error('fault injection is disabled (start with faults: true)');
      const parsed = parseFaultRule(next);
      rule = { ...parsed, remaining: parsed.times ?? Infinity };
    },
    clear() {
      rule = undefined;
    },
    get injected() {
      return injected;
    },
  };
  const takeFault = (operation: string, target: string): FaultRule | undefined => {
    const current = rule;
    if (!current || (current.operation !== undefined && current.operation !== operation && current.operation !== target)) {
      return undefined;
    }
    current.remaining -= 1;
    if (current.remaining <= 0) rule = undefined;
    injected += 1;
    return current;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const send = (status: number, body: object | undefined, contentType = JSON_11, close = false): void => {
      if (res.headersSent || res.destroyed) return;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': requestId,
        ...(close ? { connection: 'close' } : {}),
      });
      res.end(text);
    };
    const fail = (error: AwsError): void => send(error.status, { __type: error.type, message: error.message });

    const path = (req.url ?? '/').split('?')[0];
    if (path === '/_faults' && options.faults) return handleFaults(req, send);
    if (path !== '/' || req.method !== 'POST') return send(404, { message: 'Not Found' }, 'application/json');

    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > MAX_BODY_BYTES ? undefined : await readBody(req);
    if (!body) {
      req.resume();
      return send(413, { __type: 'RequestEntityTooLargeException', message: `Request body exceeds ${MAX_BODY_BYTES} bytes` }, JSON_11, true);
    }
    // Before anything else: an unauthenticated caller learns nothing, not even which targets exist.
    const refused = verifySigV4(req, body, { credentials, region, services: SIGNING_NAMES });
    if (refused) return fail(new AwsError(refused.type, refused.message));

    const target = String(req.headers['x-amz-target'] ?? '');
    const dot = target.indexOf('.');
    const service = services.get(target.slice(0, dot));
    const operationName = target.slice(dot + 1);
    const operation = dot > 0 ? service?.operations.get(operationName) : undefined;
    if (!service || !operation) {
      return fail(new AwsError('UnknownOperationException', `Unknown or unsupported operation '${target}'`));
    }
    if (!String(req.headers.authorization).includes(`/${SIGNING_NAME_OF.get(target.slice(0, dot))}/aws4_request`)) {
      return fail(new AwsError('InvalidSignatureException', 'Credential should be scoped to the correct service'));
    }
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== JSON_11 && mediaType !== 'application/x-amz-json-1.0') {
      return fail(new AwsError('SerializationException', `Content-Type must be ${JSON_11}`));
    }

    const fault = options.faults ? takeFault(operationName, target) : undefined;
    if (fault?.kind === 'throttle') return fail(new AwsError('ThrottlingException', 'Rate exceeded (injected fault)'));
    if (fault?.kind === 'error') return fail(new AwsError(service.internalError, 'Internal error (injected fault)', 500));
    if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 0);

    try {
      let parsed: unknown;
      try {
        parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsError('SerializationException', 'Request body is not valid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new AwsError('SerializationException', 'Request body must be a JSON object');
      }
      send(200, operation(parsed as RequestBody));
    } catch (error) {
      if (error instanceof AwsError) return fail(error);
      // Only the error's name: messages of unexpected errors could quote request data.
      console.error(`local kms: ${target} failed unexpectedly (${(error as Error)?.name ?? 'unknown error'})`);
      fail(new AwsError(service.internalError, 'Internal error', 500));
    }
  }

  async function handleFaults(req: IncomingMessage, send: (status: number, body: object | undefined, type?: string) => void): Promise<void> {
    const type = 'application/json';
    if (req.method === 'GET') return send(200, { injected }, type);
    if (req.method === 'DELETE') {
      faults.clear();
      return send(204, undefined, type);
    }
    if (req.method !== 'POST') return send(405, { message: 'Use GET, POST or DELETE' }, type);
    const body = await readBody(req);
    try {
      faults.set(JSON.parse(body?.toString('utf8') ?? '') as FaultRule);
      return send(204, undefined, type);
    } catch (error) {
      return send(400, { message: error instanceof Error ? error.message : 'invalid fault rule' }, type);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send500(res));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    keyId: state.key.keyId,
    keyArn: state.key.arn,
    auditKeyArn: state.signingKey.arn,
    aliasName: state.aliasName,
    secretId: state.secret.arn,
    credentials,
    faults,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function send500(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(500, { 'content-type': JSON_11 });
  res.end(JSON.stringify({ __type: 'InternalFailure', message: 'Internal error' }));
}

/** The body, or undefined once it exceeds the limit (the rest is discarded). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseFaultRule(raw: unknown): FaultRule {
  if (typeof raw !== 'object' || raw === null) throw new Error('a fault rule is a JSON object');
  const { operation, kind, times, delayMs } = raw as Record<string, unknown>;
  if (typeof kind !== 'string' || !FAULT_KINDS.has(kind)) throw new Error("kind must be 'throttle', 'error' or 'delay'");
  if (operation !== undefined && (typeof operation !== 'string' || operation === '')) throw new Error('operation must be a non-empty string');
  if (times !== undefined && !(Number.isInteger(times) && (times as number) > 0)) throw new Error('times must be a positive integer');
  if (kind === 'delay' && !(Number.isInteger(delayMs) && (delayMs as number) >= 0 && (delayMs as number) <= 60_000)) {
    throw new Error('a delay rule needs delayMs, an integer from 0 to 60000');
  }
  return {
    kind: kind as FaultRule['kind'],
    ...(operation === undefined ? {} : { operation: operation as string }),
    ...(times === undefined ? {} : { times: times as number }),
    ...(delayMs === undefined ? {} : { delayMs: delayMs as number }),
  };
}
