import { rmSync, writeFileSync, renameSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildShippedForms } from '../formsBuild.ts';
import { offeringOf } from '../forms.ts';
import { loadCheckedCatalogue } from '../formPatterns.ts';
import type { StageConfig } from '../config.ts';
import { localStageConfig } from './stage.ts';
import { officeNamesOf } from '../config.ts';
import { functions as functionTable, routes } from '../../functions/functions.ts';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueNeed } from '../../functions/lib/runtime/needs.ts';
import { queueWorkersOf, startQueuePollers, type QueueHandler, type QueueWorker } from './queues.ts';
import { startLocalSqs, type LocalQueue } from './sqs.ts';
import { startLocalSes } from './ses.ts';
import { confirmationMailSettings, type ConfirmationMailSettings } from '#lib/status/mailer.ts';
import { startStreamPollers, streamWorkersOf, type StreamHandler, type StreamWorker } from './streams.ts';
import { loadOrCreateCredentials, type LocalCredentials } from './credentials.ts';
import { ensureTables, LOCAL_TABLES, localClientConfig, startDynamoDb, type EndedBy, type LocalDynamoDb } from './dynamodb.ts';
import { createConsoleSite } from './console.ts';
import { createPortalSite, PORTAL_PATH } from './portal.ts';
import { UPLOAD_HEADERS } from '#lib/attachments/upload.ts';
import { allowedOrigins, corsPolicy } from './cors.ts';
import { createGateway, type GatewayRoute, type LambdaHandler } from './gateway.ts';
import { startLocalKms } from './kms.ts';
import { writeLocalDestinationsFile } from './destinations.ts';
import type { BackoffPolicy } from '../../functions/lib/delivery/backoff.ts';
import { formsDir as defaultFormsDir } from './paths.ts';
import { servedOpenApiDocument } from '../openapiFile.ts';
import { createTokenVerifier } from './tokens.ts';
import { createLocalEventBus, ruleWorkersOf, type RuleHandler, type RuleWorker } from './rules.ts';
import { startLocalS3, type LocalBuckets } from './s3.ts';
import { createScanner } from './scanner.ts';
import { localRateLimits, rateLimitersOf } from './rateLimit.ts';
import { scheduledWorkersOf, startSchedules, type ScheduledHandler, type ScheduledWorker } from './schedules.ts';
import type { CheckpointSettings } from '#lib/audit/settings.ts';
import { loadOrCreateSamlKey, startLocalBundid, type LocalBundid } from './bundidIdp.ts';
import type { SignInSettings } from '../../functions/lib/bundid/settings.ts';
import { signInSettingsShape } from '../../functions/lib/bundid/settingsShape.ts';
import { createCallCounter, type CallCounter } from './callCounts.ts';

export const REGION = 'eu-central-1';

export interface StackInfo {
  apiUrl: string;
  /** The stage file the stack runs (its name, e.g. `kreis-bergstrasse-dev`, and its path). */
  stage: { name: string; file: string };
  dynamodbEndpoint: string;
  /** 'loopback', or 'all-interfaces' when no JDK could compile the loopback launcher. */
  dynamodbBinding: 'loopback' | 'all-interfaces';
  kmsEndpoint: string;
  region: string;
  tables: { cases: string; events: string; idempotency: string; attachments: string; signIns: string };
  /** The BundID-like test IdP (bundidIdp.ts): its SSO page and metadata; the SP's metadata is `<apiUrl>/auth/bundid/metadata`. */
  bundid: { idpUrl: string; idpMetadataUrl: string };
  /** The S3-compatible store (s3rver, SigV4-checking) and its buckets. */
  s3Endpoint: string;
  buckets: LocalBuckets;
  caseKeyArn: string;
  /** The audit key (ECC_NIST_P256) the checkpoint worker signs with; `npm run audit` verifies with its public key. */
  auditKeyArn: string;
  hmacSecretId: string;
  /** The local SQS (queues.ts, sqs.ts) and each queue's URL and dead-letter queue. */
  sqsEndpoint: string;
  queues: Record<QueueNeed, LocalQueue>;
  /** The local mail catcher (aws-ses-v2-local, SES v2 API). */
  sesEndpoint: string;
  /** GET: every mail sent so far, as JSON `{ "emails": [...] }` (a browser view at `sesEndpoint`). */
  mailUrl: string;
  dataDir: string;
  /**
   * The stack's generated credentials (also in `<dataDir>/credentials.json`): the local KMS accepts
   * only requests signed with them, and DynamoDB Local shows the stack's tables only to this key.
   */
  credentials: LocalCredentials;
  /** Only with `testControl`: the loopback endpoint that stops and restarts DynamoDB Local. */
  controlUrl?: string;
}

/** DynamoDB Local of a running stack, for tests of what happens while it is gone. */
export interface DynamoDbControl {
  readonly running: boolean;
  /** SIGKILL, as a crash would end it. */
  kill(): Promise<EndedBy>;
  /** SIGTERM, a clean shutdown; SIGKILL if it has not ended after a grace (the answer says which). */
  stop(): Promise<EndedBy>;
  /** Starts it again on the same port and data dir; resolves once it answers. */
  start(): Promise<void>;
  /** SIGSTOP: it accepts connections and answers nothing, as a hanging dependency does. */
  freeze(): Promise<void>;
  /** SIGCONT: it answers again, everything that queued up meanwhile first. */
  thaw(): Promise<void>;
}

export interface LocalStack {
  info: StackInfo;
  dynamoDb: DynamoDbControl;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  dataDir: string;
  port: number;
  formsDir?: string;
  /** The administration's stage file; default `STAGE_FILE`, `STAGE` or cdk.json's default (infra/local/stage.ts). */
  stage?: StageConfig;
  /** Lets tests make the local KMS fail on demand (POST /_faults on the KMS endpoint). */
  kmsFaults?: boolean;
  /**
   * Lets tests stop, restart, freeze and thaw DynamoDB Local over HTTP (`info.controlUrl`):
   * `POST /dynamodb/kill|stop|start|freeze|thaw`, `GET /dynamodb`; kill and stop answer which
   * signal ended the JVM (`endedBy`). For tests only.
   */
  testControl?: boolean;
  /** Retry timing of deliveries (tests: seconds instead of minutes); default the stacks' DELIVERY_BACKOFF. */
  deliveryBackoff?: BackoffPolicy;
  /** Overrides every queue's visibility timeout, in seconds (tests: a failed message comes back sooner). */
  queueVisibilityTimeoutSeconds?: number;
  /**
   * Whether the workers fed by streams and queues run (default true). The benchmarks measure routes
   * alone: in AWS the workers run in functions of their own, not on the route's CPU.
   */
  workers?: boolean;
  /** Counts every AWS call by function, service and operation, served at `GET /_local/calls` (callCounts.ts; measurements only). */
  countCalls?: boolean;
}

/**
 * Starts DynamoDB Local, the local KMS and the gateway, with the handlers configured exactly as the
 * stack configures them in Lambda: only endpoints and names differ.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const formsDir = options.formsDir ?? defaultFormsDir();
  // The handlers get the forms as a function ships them (infra/formsBuild.ts): the definitions
  // checked (a malformed one stops start-up here, naming the file), with their validators
  // generated as standalone code and the public documents prepared, rebuilt at every start.
  const shippedForms = join(options.dataDir, 'forms-build');
  if (resolve(formsDir) === resolve(shippedForms)) throw new Error(`FORMS_DIR names the local stack's own build of the forms (${shippedForms}); name the source folder`);
  // Only the forms the administration offers, with its offices' display names; a form its stage
  // file lists without having the form's office stops start-up here, naming the file to edit.
  const stage = options.stage ?? localStageConfig();
  const catalogue = loadCheckedCatalogue(formsDir);
  const offering = offeringOf(stage, catalogue, formsDir);
  rmSync(shippedForms, { recursive: true, force: true });
  buildShippedForms(formsDir, shippedForms, offering, catalogue);
  // The OpenAPI document as the stack ships it beside the openapi function (infra/openapiFile.ts).
  const openapiFile = join(options.dataDir, 'openapi.json');
  writeFileSync(openapiFile, servedOpenApiDocument());

  const stoppers: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
  };
  const credentials = loadOrCreateCredentials(options.dataDir);
  const origins = allowedOrigins(process.env, stage); // an invalid CORS_ORIGINS stops start-up here
  try {
    let dynamodb: LocalDynamoDb = await startDynamoDb(options.dataDir, { credentials });
    stoppers.push(async () => void (await dynamodb.stop()));
    let running = true;
    const dynamoDb: DynamoDbControl = {
      get running() {
        return running;
      },
      async kill() {
        running = false;
        return dynamodb.kill();
      },
      async stop() {
        running = false;
        return dynamodb.stop();
      },
      async start() {
        if (running) return;
        dynamodb = await startDynamoDb(options.dataDir, { credentials, port: dynamodb.port });
        running = true;
      },
      async freeze() {
        dynamodb.freeze();
      },
      async thaw() {
        dynamodb.thaw();
      },
    };
    const admin = new DynamoDBClient(localClientConfig(dynamodb.endpoint, credentials));
    const streamWorkers = streamWorkersOf(functionTable, LOCAL_TABLES);
    await ensureTables(admin, LOCAL_TABLES, new Set(streamWorkers.map((worker) => worker.tableName)));
    admin.destroy();

    // Delivery destinations of `npm run receiver` (destinations.ts): the worker's file and signing secrets.
    const destinations = writeLocalDestinationsFile(options.dataDir, options.deliveryBackoff);
    // BundID: the test IdP, and the service provider's signing key, served as the secret AWS would hold.
    const bundid = await startLocalBundid(options.dataDir);
    stoppers.push(bundid.close);
    const spKey = loadOrCreateSamlKey(options.dataDir, 'sp', 'egov-forms service provider (local)');
    const kms = await startLocalKms({
      dataDir: options.dataDir,
      port: 0,
      region: REGION,
      faults: options.kmsFaults ?? false,
      extraSecrets: [...destinations.secrets, { name: LOCAL_SP_KEY_SECRET, secretString: spKey.privateKeyPem }],
    });
    stoppers.push(kms.close);
    const signInSettingsFile = join(options.dataDir, 'bundid', 'settings.json');
    const sqs = await startLocalSqs({
      dataDir: options.dataDir,
      region: REGION,
      ...(options.queueVisibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds: options.queueVisibilityTimeoutSeconds } : {}),
      ...(options.deliveryBackoff ? { deliveryBackoff: options.deliveryBackoff } : {}),
    });
    stoppers.push(sqs.close);
    const ses = await startLocalSes();
    stoppers.push(ses.close);

    // The store notifies the scanner stand-in of new objects; the scanner's verdict goes over the
    // local event bus to the rule-triggered workers (loaded below, once the environment is set).
    let onObjectCreated: (bucket: string, key: string, read: () => Promise<Buffer>) => Promise<void> = async () => undefined;
    const s3 = await startLocalS3({
      dataDir: options.dataDir,
      credentials,
      onObjectCreated: (bucket, key, read) => void onObjectCreated(bucket, key, read).catch(() => undefined),
    });
    stoppers.push(s3.stop);

    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_KMS: kms.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: kms.url,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      DELIVERIES_QUEUE_URL: sqs.queues.deliveries.url,
      CONFIRMATIONS_QUEUE_URL: sqs.queues.confirmations.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      QUARANTINE_BUCKET: s3.buckets.quarantine,
      VAULT_BUCKET: s3.buckets.vault,
      WATCHED_QUARANTINE_BUCKET: s3.buckets.quarantine,
      ATTACHMENT_KEY_ID: kms.keyArn,
      AUDIT_CHECKPOINTS: JSON.stringify({
        eventsTable: LOCAL_TABLES.events,
        bucket: s3.buckets.checkpoints,
        keyId: kms.auditKeyArn,
        intervalMinutes: stage.audit.checkpointIntervalMinutes,
      } satisfies CheckpointSettings),
      MESSAGE_KEY_ID: kms.keyArn,
      OFFICE_NAMES: JSON.stringify(officeNamesOf(stage)),
      OPENAPI_FILE: openapiFile,
      CASE_PARTITIONS_TABLE: LOCAL_TABLES.cases,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      CASES_TABLE: LOCAL_TABLES.cases,
      IDEMPOTENCY_TABLE: LOCAL_TABLES.idempotency,
      EVENTS_TABLE: LOCAL_TABLES.events,
      ATTACHMENTS_TABLE: LOCAL_TABLES.attachments,
      SIGN_INS_TABLE: LOCAL_TABLES.signIns,
      BUNDID: signInSettingsFile,
      BUNDID_SP_KEY_SECRET_ID: LOCAL_SP_KEY_SECRET,
      CASE_KEY_ID: kms.keyArn,
      HMAC_SECRET_ID: kms.secretId,
      FORMS_DIR: shippedForms,
      DELIVERY_CASES_TABLE: LOCAL_TABLES.cases,
      CONFIRMATION_CASES_TABLE: LOCAL_TABLES.cases,
      DESTINATIONS_FILE: destinations.file,
      DELIVERIES_DEAD_LETTER_QUEUE_URL: sqs.queues.deliveries.deadLetterUrl,
      CORS_ALLOWED_ORIGINS: origins.join(','),
      POWERTOOLS_SERVICE_NAME: 'egov-forms-local',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_NAMESPACE: 'EgovForms',
    });

    const counter: CallCounter | undefined = options.countCalls ? createCallCounter({ [s3.endpoint]: 'S3', [ses.endpoint]: 'SESv2' }) : undefined;
    if (counter) stoppers.push(async () => counter.stop());
    /** A handler as the stack runs it: counted when counting. */
    const run = <E, C, R>(name: string, handler: (event: E, context: C) => Promise<R>) => (counter ? counter.counted(name, handler) : handler);
    const gatewayRoutes: GatewayRoute[] = [];
    for (const route of routes) {
      const module = (await import(`../../functions/${route.handler}/handler.ts`)) as { handler: LambdaHandler };
      gatewayRoutes.push({ ...route, invoke: run(route.handler, module.handler) });
    }
    const server = createGateway({
      routes: gatewayRoutes,
      verifyToken: await createTokenVerifier(options.dataDir),
      local: { '/health': () => ({ status: 'ok' }), ...(counter ? { '/_local/calls': () => counter.snapshot() } : {}) },
      cors: corsPolicy(origins),
      rateLimits: rateLimitersOf(localRateLimits()),
      sites: [createConsoleSite(options.dataDir, [s3.endpoint]), createPortalSite(stage, [s3.endpoint])],
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', resolve);
    });
    stoppers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );

    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The confirmation worker (loaded below) links to the portal this gateway serves.
    process.env.CONFIRMATION_MAIL = JSON.stringify(localMailSettings(apiUrl));

    const runWorkers = options.workers ?? true;
    // Workers fed by a table's stream run here as in Lambda, fed by a poller (streams.ts).
    if (runWorkers && streamWorkers.length > 0) {
      const tables = new DynamoDBClient(localClientConfig(dynamodb.endpoint, credentials));
      const streams = new DynamoDBStreamsClient(localClientConfig(dynamodb.endpoint, credentials));
      const workers: StreamWorker[] = [];
      for (const worker of streamWorkers) {
        workers.push({ ...worker, invoke: run(worker.name, ((await import(worker.module)) as { handler: StreamHandler }).handler) });
      }
      const pollers = startStreamPollers({ dynamodb: tables, streams, workers, checkpointFile: join(options.dataDir, 'stream-checkpoints.json') });
      stoppers.push(async () => {
        await pollers.stop();
        streams.destroy();
        tables.destroy();
      });
    }

    // Workers fed by a queue run here as in Lambda, fed by a poller (queues.ts).
    const queueWorkers = queueWorkersOf(functionTable);
    if (runWorkers && queueWorkers.length > 0) {
      const client = new SQSClient({ region: REGION, endpoint: sqs.endpoint, credentials });
      const workers: QueueWorker[] = [];
      for (const worker of queueWorkers) {
        workers.push({ ...worker, invoke: run(worker.name, ((await import(worker.module)) as { handler: QueueHandler }).handler) });
      }
      const pollers = startQueuePollers({ sqs: client, queues: sqs.queues, workers, region: REGION });
      stoppers.push(async () => {
        await pollers.stop();
        client.destroy();
      });
    }
    // Workers triggered by EventBridge rules (the scan results) run here as in Lambda.
    const ruleWorkers: RuleWorker[] = [];
    for (const worker of ruleWorkersOf(functionTable)) {
      ruleWorkers.push({ ...worker, invoke: run(worker.name, ((await import(worker.module)) as { handler: RuleHandler }).handler) });
    }
    // Workers on a schedule (the audit checkpoints) run here at their rate, as EventBridge runs them.
    if (runWorkers) {
      const scheduled: ScheduledWorker[] = [];
      for (const worker of scheduledWorkersOf(functionTable, stage.audit)) {
        scheduled.push({ ...worker, invoke: run(worker.name, ((await import(worker.module)) as { handler: ScheduledHandler }).handler) });
      }
      const schedules = startSchedules(scheduled);
      stoppers.push(() => schedules.stop());
    }
    const bus = createLocalEventBus(ruleWorkers, { region: REGION });
    onObjectCreated = createScanner({ bus, protectedBucket: s3.buckets.quarantine, region: REGION });
    stoppers.push(() => bus.idle());

    // The console (served by the gateway) fetches attachments from the vault through presigned URLs;
    // the portal it serves and the portals of the allowed origins upload into quarantine (as the
    // buckets' CORS rules in AWS).
    // Now that the API knows its URL: the SP's settings (read by the sign-in handlers on first use),
    // and its registration with the test IdP, as BundID's self-service portal would hold it.
    const signIn = localSignInSettings(apiUrl, bundid, spKey.certificate);
    writeFileSync(signInSettingsFile, `${JSON.stringify(signIn, null, 2)}\n`);
    bundid.register({ entityId: signIn.sp.entityId, acsUrl: signIn.sp.acsUrl, certificate: spKey.certificate });
    await s3.allowCors(s3.buckets.vault, { origins: [apiUrl], methods: ['GET'] });
    await s3.allowCors(s3.buckets.quarantine, { origins: [apiUrl, ...origins], methods: ['PUT'], headers: UPLOAD_HEADERS });

    let controlUrl: string | undefined;
    if (options.testControl) {
      const control = createControlServer(dynamoDb);
      await new Promise<void>((resolve, reject) => {
        control.once('error', reject);
        control.listen(0, '127.0.0.1', resolve);
      });
      stoppers.push(
        () =>
          new Promise<void>((resolve) => {
            control.close(() => resolve());
            control.closeAllConnections();
          }),
      );
      controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
    }

    const info: StackInfo = {
      apiUrl,
      stage: { name: stage.name, file: stage.file },
      dynamodbEndpoint: dynamodb.endpoint,
      dynamodbBinding: dynamodb.binding,
      kmsEndpoint: kms.url,
      region: REGION,
      tables: { ...LOCAL_TABLES },
      bundid: { idpUrl: bundid.url, idpMetadataUrl: `${bundid.url}/metadata` },
      s3Endpoint: s3.endpoint,
      buckets: { ...s3.buckets },
      caseKeyArn: kms.keyArn,
      auditKeyArn: kms.auditKeyArn,
      hmacSecretId: kms.secretId,
      sqsEndpoint: sqs.endpoint,
      queues: sqs.queues,
      sesEndpoint: ses.endpoint,
      mailUrl: ses.mailUrl,
      dataDir: options.dataDir,
      credentials,
      ...(controlUrl ? { controlUrl } : {}),
    };
    const file = join(options.dataDir, 'stack.json');
    writeFileSync(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    return { info, dynamoDb, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The name under which the local Secrets Manager serves the SP's signing key. */
export const LOCAL_SP_KEY_SECRET = 'egov-forms/local/bundid/sp-key';

/** The local sign-in: the test IdP, this API as the SP, the portal under `<apiUrl>/portal/`. */
function localSignInSettings(apiUrl: string, idp: LocalBundid, spCertificate: string): SignInSettings {
  return signInSettingsShape.parse({
    idp: { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.key.certificate] },
    sp: { entityId: `${apiUrl}/auth/bundid/metadata`, acsUrl: `${apiUrl}/auth/bundid/acs`, certificate: spCertificate },
    portalUrl: `${apiUrl}/portal/`,
    display: { organisationName: 'Kreis Bergstraße (lokal)', onlineServiceId: 'local-egov-forms' },
  });
}

/**
 * The sender and status page of local confirmation mails. The status page is the citizens'
 * portal's: the one this stack serves (`<apiUrl>/portal/status`), or `LOCAL_STATUS_PAGE_URL`
 * for a portal developed elsewhere (docs/portal.md).
 */
function localMailSettings(apiUrl: string): ConfirmationMailSettings {
  return confirmationMailSettings.parse({
    fromAddress: 'keine-antwort@formulare.landkreis.example',
    statusPageUrl: process.env.LOCAL_STATUS_PAGE_URL ?? `${apiUrl}${PORTAL_PATH}/status`,
  });
}

const CONTROL_ACTIONS = new Map<string, 'kill' | 'stop' | 'start' | 'freeze' | 'thaw'>([
  ['/dynamodb/kill', 'kill'],
  ['/dynamodb/stop', 'stop'],
  ['/dynamodb/start', 'start'],
  ['/dynamodb/freeze', 'freeze'],
  ['/dynamodb/thaw', 'thaw'],
]);

/** The test-only control endpoint: one request at a time changes DynamoDB Local's state. */
function createControlServer(dynamoDb: DynamoDbControl): Server {
  let busy: Promise<void> = Promise.resolve();
  return createServer((req, res) => {
    const answer = (status: number, body?: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body ? JSON.stringify(body) : undefined);
    };
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/dynamodb') return answer(200, { running: dynamoDb.running });
    const action = req.method === 'POST' ? CONTROL_ACTIONS.get(path ?? '') : undefined;
    if (!action) return answer(404, { message: 'GET /dynamodb, POST /dynamodb/kill|stop|start|freeze|thaw' });
    busy = busy.then(async (): Promise<EndedBy | void> => dynamoDb[action]()).then(
      (endedBy) => answer(200, { running: dynamoDb.running, ...(endedBy ? { endedBy } : {}) }),
      (error: unknown) => answer(500, { message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
