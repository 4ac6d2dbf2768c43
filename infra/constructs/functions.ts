import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import { has, type Needs } from '#lib/runtime/needs.ts';
import { CONFIG_OF_NEED, type ConfigName } from '#lib/runtime/config.ts';
import { functionsOf, scheduleExpressionOf, type FunctionTable, type NamedFunction, type StreamFilter, type Trigger } from '../../functions/functions.ts';
import { queueWorkerConcurrency } from '../capacity.ts';
import { servedOpenApiDocument } from '../openapiFile.ts';
import type { StageConfig } from '../config.ts';
import type { FormsOffering } from '#lib/forms/public.ts';
import { DESTINATIONS_FILE_IN_LAMBDA, FORMS_DIR_IN_LAMBDA, OPENAPI_FILE_IN_LAMBDA, PROJECT_ROOT, SIGN_IN_SETTINGS_FILE_IN_LAMBDA, bundlingFor } from './bundling.ts';
import type { Data } from './data.ts';
import { statementsFor } from './grants.ts';
import type { Attachments } from './attachments.ts';
import type { Keys } from './keys.ts';
import type { Queues } from './queues.ts';
import type { Mail } from './mail.ts';
import type { Audit } from './audit.ts';
import { DEFAULT_CHECKPOINT_INTERVAL_MINUTES, type CheckpointSettings } from '#lib/audit/settings.ts';
import { eventsTable } from '#lib/cases/tables.ts';
import { SIGN_IN_OFF } from '#lib/bundid/settings.ts';
import type { OfficeNames } from '#lib/audit/officeNames.ts';
import { officeNamesOf } from '../config.ts';

export interface FunctionsProps {
  readonly config: StageConfig;
  readonly table: FunctionTable;
  /** What the administration offers (infra/forms.ts): shipped to every function that needs the forms. */
  readonly forms: FormsOffering;
  readonly data: Data;
  readonly keys: Keys;
  /** The delivery destinations (infra/constructs/delivery.ts): shipped to and granted for functions with the `destinations` need. */
  readonly delivery?: { readonly destinationsFile: string; readonly secretArns: readonly string[] };
  readonly queues: Queues;
  readonly attachments: Attachments;
  /** The confirmation mail's identity, configuration set and settings (mail.ts). */
  readonly mail: Mail;
  /** The audit key and checkpoint bucket (audit.ts), for the checkpoint worker. */
  readonly audit?: Audit;
  /** BundID (stage `bundid`, infra/constructs/signIn.ts). */
  readonly signIn?: SignInConfig;
}

/** The stage's BundID settings (JSON, shipped with the sign-in functions), and the ARN of the SP key's secret; none: sign-in is off. */
export interface SignInConfig {
  readonly settings?: string;
  readonly keySecretArn?: string;
}

export interface DeployedFunction extends NamedFunction {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  /** POWERTOOLS_SERVICE_NAME, also the `service` dimension of the function's metrics. */
  readonly serviceName: string;
}

/** Requests to AWS are retried this often in total; handlers' request timeouts stay well below the function timeout. */
const SDK_MAX_ATTEMPTS = 3;
const FUNCTION_TIMEOUT = Duration.seconds(10);

/**
 * The values of the settings a function's needs name (functions/lib/runtime/config.ts), each set
 * only when the function has the need: a function that may not touch a table does not even learn
 * its name.
 */
export function handlerConfig(
  needs: Needs,
  data: Data,
  keys: Keys,
  queues: Queues,
  files: Attachments,
  mail: Mail,
  audit?: Audit,
  signIn: SignInConfig = {},
  officeNames: OfficeNames = {},
  checkpointIntervalMinutes: number = DEFAULT_CHECKPOINT_INTERVAL_MINUTES,
): Partial<Record<ConfigName, string>> {
  const values: Record<keyof Needs, string> = {
    deliveries: queues.queues.deliveries.queueUrl,
    confirmations: queues.queues.confirmations.queueUrl,
    caseKey: keys.caseKey.keyArn,
    cases: data.cases.tableName,
    events: data.events.tableName,
    idempotency: data.idempotency.tableName,
    hmacSecret: keys.hmacSecret.secretArn,
    forms: FORMS_DIR_IN_LAMBDA,
    attachments: data.attachments.tableName,
    attachmentKey: keys.caseKey.keyArn,
    messageKey: keys.caseKey.keyArn,
    casePartitions: data.cases.tableName,
    quarantine: files.quarantine.bucketName,
    vault: files.vault.bucketName,
    uploadWatch: files.quarantine.bucketName,
    confirmationMail: JSON.stringify(mail.settings),
    caseDelivery: data.cases.tableName,
    caseConfirmation: data.cases.tableName,
    destinations: DESTINATIONS_FILE_IN_LAMBDA,
    deliveriesDeadLetters: queues.deadLetters.deliveries.queueUrl,
    auditCheckpoints: audit
      ? JSON.stringify({ eventsTable: data.events.tableName, bucket: audit.bucket.bucketName, keyId: audit.key.keyArn, intervalMinutes: checkpointIntervalMinutes } satisfies CheckpointSettings)
      : '',
    signIns: data.signIns.tableName,
    bundid: signIn.settings === undefined ? SIGN_IN_OFF : SIGN_IN_SETTINGS_FILE_IN_LAMBDA,
    bundidKey: signIn.keySecretArn ?? SIGN_IN_OFF,
    officeNames: JSON.stringify(officeNames),
    openapiDocument: OPENAPI_FILE_IN_LAMBDA,
  };
  const config: Partial<Record<ConfigName, string>> = {};
  for (const need of Object.keys(CONFIG_OF_NEED) as (keyof Needs)[]) {
    if (has(needs, need)) config[CONFIG_OF_NEED[need]] = values[need];
  }
  return config;
}

/**
 * The memory (MB) a function gets: its own `memoryMb` when the function table gives one (a worker
 * that holds files), else crypto paths (KMS, AES-GCM, HMAC) more, and with it more CPU.
 */
export function memorySizeOf(needs: Needs, memoryMb?: number): number {
  if (memoryMb !== undefined) return memoryMb;
  return has(needs, 'caseKey') || has(needs, 'hmacSecret') ? 512 : 256;
}

/** The metrics namespace of a stage file: administrations and stages may share an account without mixing their metrics. */
export function metricsNamespace(name: string): string {
  return `EgovForms/${name}`;
}

/** A stream trigger's `only` as a Lambda event filter (on the record's event name, key and new image's type). */
export function streamFilterOf(only: StreamFilter): Record<string, unknown> {
  const dynamodb = {
    ...(only.skBeginsWith === undefined ? {} : { Keys: { sk: { S: lambda.FilterRule.beginsWith(only.skBeginsWith) } } }),
    ...(only.typeIn === undefined ? {} : { NewImage: { type: { S: lambda.FilterRule.or(...only.typeIn) } } }),
  };
  return lambda.FilterCriteria.filter({
    eventName: lambda.FilterRule.isEqual(only.eventName),
    ...(Object.keys(dynamodb).length === 0 ? {} : { dynamodb }),
  });
}

function describe(trigger: Trigger, config: StageConfig): string {
  switch (trigger.kind) {
    case 'http':
      return `${trigger.method} ${trigger.path} (${trigger.access})`;
    case 'stream':
      return `stream of the ${trigger.table} table`;
    case 'schedule':
      return `schedule ${scheduleExpressionOf(trigger, config.audit)}`;
    case 'rule':
      return `EventBridge ${trigger.source} ${trigger.detailType}`;
    case 'queue':
      return `queue ${trigger.queue}`;
  }
}

/**
 * One Lambda function per entry of the function table (functions/functions.ts), each with its own
 * role holding exactly what its `needs` declare (grants.ts), its own log group, the shared runtime
 * settings and, for workers, its trigger. HTTP routes are wired by the Api construct.
 */
export class Functions extends Construct {
  readonly all: readonly DeployedFunction[];
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { config, data, keys, queues, mail } = props;
    this.config = config;
    const region = Stack.of(this).region;

    this.all = functionsOf(props.table).map((spec) => {
      const { name, needs, trigger } = spec;
      const serviceName = `egov-forms-${name}`;

      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention: config.logRetentionDays,
        encryptionKey: keys.dataKey,
        removalPolicy: keptIf(config.retainData),
      });

      // An own role instead of the default one: the default attaches the AWS-managed
      // AWSLambdaBasicExecutionRole (logs:CreateLogGroup on every log group of the account).
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `egov-forms ${config.name}: ${describe(trigger, config)}`,
      });
      for (const statement of statementsFor(needs, {
        region,
        tables: {
          cases: { tableArn: data.cases.tableArn, indexArns: data.casesIndexArns(spec.caseIndexes ?? []) },
          events: { tableArn: data.events.tableArn, indexArns: [] },
          idempotency: { tableArn: data.idempotency.tableArn, indexArns: [] },
          attachments: { tableArn: data.attachments.tableArn, indexArns: [] },
          signIns: { tableArn: data.signIns.tableArn, indexArns: [] },
        },
        buckets: { quarantine: props.attachments.quarantine.bucketArn, vault: props.attachments.vault.bucketArn },
        caseKeyArn: keys.caseKey.keyArn,
        dataKeyArn: keys.dataKey.keyArn,
        secretArn: keys.hmacSecret.secretArn,
        queueArns: { deliveries: queues.queues.deliveries.queueArn, confirmations: queues.queues.confirmations.queueArn },
        logGroupArn: logGroup.logGroupArn,
        mail: { identityArn: mail.identity.emailIdentityArn, configurationSetArn: mail.configurationSetArn, fromAddress: mail.settings.fromAddress },
        destinationSecretArns: props.delivery?.secretArns ?? [],
        deliveriesDeadLetterQueueArn: queues.deadLetters.deliveries.queueArn,
        ...(props.audit
          ? {
              audit: {
                keyArn: props.audit.key.keyArn,
                checkpointObjectsArn: props.audit.checkpointObjectsArn(),
                bucketArn: props.audit.bucket.bucketArn,
                timeIndexArn: `${data.events.tableArn}/index/${eventsTable.timeIndex.name}`,
              },
            }
          : {}),
        ...(props.signIn?.keySecretArn ? { bundidKeySecretArn: props.signIn.keySecretArn } : {}),
      })) {
        role.addToPrincipalPolicy(statement);
      }
      keys.confineCaseKeyUse(role, [...new Set([...(needs.caseKey ?? []), ...(needs.attachmentKey ?? []), ...(needs.messageKey ?? [])])], name);

      const fn = new nodejs.NodejsFunction(this, name, {
        description: describe(trigger, config),
        entry: path.join(PROJECT_ROOT, 'functions', name, 'handler.ts'),
        handler: 'handler',
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: memorySizeOf(needs, spec.memoryMb),
        timeout: spec.timeoutSeconds ? Duration.seconds(spec.timeoutSeconds) : FUNCTION_TIMEOUT,
        role,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        bundling: bundlingFor(needs.forms === true ? props.forms : undefined, [
          ...(needs.destinations && props.delivery ? [{ name: path.basename(DESTINATIONS_FILE_IN_LAMBDA), content: props.delivery.destinationsFile }] : []),
          ...(needs.bundid && props.signIn?.settings !== undefined ? [{ name: path.basename(SIGN_IN_SETTINGS_FILE_IN_LAMBDA), content: props.signIn.settings }] : []),
          ...(needs.openapiDocument ? [{ name: path.basename(OPENAPI_FILE_IN_LAMBDA), content: servedOpenApiDocument() }] : []),
        ]),
        environment: {
          ...handlerConfig(needs, data, keys, queues, props.attachments, mail, props.audit, props.signIn, officeNamesOf(props.config), props.config.audit.checkpointIntervalMinutes),
          POWERTOOLS_SERVICE_NAME: serviceName,
          POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(config.name),
          POWERTOOLS_LOG_LEVEL: config.logLevel,
          NODE_OPTIONS: '--enable-source-maps',
          // SDK retries; each handler sets its own request timeouts so that all attempts end well
          // before the function timeout and the caller gets a 503, not a Lambda timeout.
          AWS_MAX_ATTEMPTS: String(SDK_MAX_ATTEMPTS),
          AWS_RETRY_MODE: 'standard',
          ...(trigger.kind === 'http' ? { CORS_ALLOWED_ORIGINS: config.corsOrigins.join(',') } : {}),
        },
      });

      const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
      if (defaultPolicy) {
        Validations.of(defaultPolicy).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'Only the X-Ray statement (xray:PutTraceSegments, xray:PutTelemetryRecords) added by active tracing uses ' +
            'Resource "*": these X-Ray actions support no resource-level permissions. Every other statement names its resources.',
        });
      }

      return { ...spec, fn, role, serviceName };
    });
  }

  /**
   * Workers get their triggers here, HTTP routes from the Api construct; both call `targetOf(fn)`,
   * the function's `live` alias (releases.ts), so that a canary rollout shifts a worker's event
   * source mapping and rule with its alias as it shifts the API's routes.
   */
  wireTriggers(targetOf: (fn: DeployedFunction) => lambda.Alias, data: Data, queues: Queues, buckets: Attachments): void {
    for (const deployed of this.all) this.wireTrigger(deployed.name, deployed.trigger, targetOf(deployed), data, queues, buckets);
  }

  private wireTrigger(name: string, trigger: Trigger, fn: lambda.Alias, data: Data, queues: Queues, buckets: Attachments): void {
    switch (trigger.kind) {
      case 'http':
        return;
      case 'stream':
        fn.addEventSource(
          new sources.DynamoEventSource(data.tableOf(trigger.table), {
            startingPosition: lambda.StartingPosition.TRIM_HORIZON,
            batchSize: trigger.batchSize ?? 10,
            bisectBatchOnError: true,
            // No retry limit: a record is retried until the stream drops it (24 hours), so a
            // dependency outage delays what follows a receipt but loses nothing; a record that
            // still failed lands, as a pointer to its shard position, in the stream-failures queue,
            // which alarms.
            onFailure: new sources.SqsDlq(queues.streamFailures),
            reportBatchItemFailures: true,
            // Only the records the worker is for invoke it (infra/local/streams.ts applies the same test).
            ...(trigger.only ? { filters: [streamFilterOf(trigger.only)] } : {}),
          }),
        );
        return;
      case 'schedule':
        // A run that fails is caught up by the next: each covers everything since the last checkpoint.
        new events.Rule(this, `${name}Schedule`, { schedule: events.Schedule.expression(scheduleExpressionOf(trigger, this.config.audit)), targets: [new targets.LambdaFunction(fn)] });
        return;
      case 'rule':
        new events.Rule(this, `${name}Rule`, {
          eventPattern: {
            source: [trigger.source],
            detailType: [trigger.detailType],
            // Only events about this stack's own bucket (GuardDuty reports every protected bucket of the account).
            ...(trigger.bucket ? { detail: { s3ObjectDetails: { bucketName: [buckets[trigger.bucket].bucketName] } } } : {}),
          },
          // An event EventBridge could not hand to the function lands in the rule-failures queue (alarmed).
          targets: [new targets.LambdaFunction(fn, { deadLetterQueue: queues.ruleFailures, maxEventAge: Duration.hours(24), retryAttempts: 185 })],
        });
        // An event the function failed on after Lambda's two retries lands there too, never silently.
        fn.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(queues.ruleFailures), retryAttempts: 2, maxEventAge: Duration.hours(6) });
        return;
      case 'queue':
        // Grants the role what consuming needs (receive, delete, attributes) on this queue only.
        fn.addEventSource(
          new sources.SqsEventSource(queues.queues[trigger.queue], {
            batchSize: trigger.batchSize ?? 10,
            reportBatchItemFailures: true,
            maxConcurrency: queueWorkerConcurrency(this.config, trigger.queue, trigger.batchSize ?? 10),
          }),
        );
        return;
    }
  }

  byName(name: string): DeployedFunction {
    const found = this.all.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`No function named ${name}`);
    return found;
  }
}
