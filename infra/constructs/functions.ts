import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ConfigName } from '../../functions/lib/config.ts';
import type { Needs, Route } from '../../functions/routes.ts';
import type { StageConfig } from '../config.ts';
import { FORMS_DIR_IN_LAMBDA, PROJECT_ROOT, bundlingFor } from './bundling.ts';
import type { Data } from './data.ts';
import { statementsFor } from './grants.ts';
import type { Keys } from './keys.ts';

export interface RouteFunctionsProps {
  readonly config: StageConfig;
  readonly routes: readonly Route[];
  readonly data: Data;
  readonly keys: Keys;
}

export interface RouteFunction {
  readonly route: Route;
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  /** POWERTOOLS_SERVICE_NAME, also the `service` dimension of the function's metrics. */
  readonly serviceName: string;
}

/** Requests to AWS are retried this often in total; handlers' request timeouts stay well below the function timeout. */
const SDK_MAX_ATTEMPTS = 3;
const FUNCTION_TIMEOUT = Duration.seconds(10);

/**
 * The settings of functions/lib/config.ts a handler reads, each set only when its route needs the
 * resource: a function that may not touch a table does not even learn its name.
 */
export function handlerConfig(needs: Needs, data: Data, keys: Keys): Partial<Record<ConfigName, string>> {
  const config: Partial<Record<ConfigName, string>> = {};
  if (needs.cases.length > 0) config.CASES_TABLE = data.cases.tableName;
  if (needs.events.length > 0) config.EVENTS_TABLE = data.events.tableName;
  if (needs.idempotency.length > 0) config.IDEMPOTENCY_TABLE = data.idempotency.tableName;
  if (needs.kms.length > 0) config.CASE_KEY_ID = keys.caseKey.keyArn;
  if (needs.secret) config.HMAC_SECRET_ID = keys.hmacSecret.secretArn;
  if (needs.forms) config.FORMS_DIR = FORMS_DIR_IN_LAMBDA;
  return config;
}

/** The metrics namespace of a stage: dev and prod may share an account without mixing their metrics. */
export function metricsNamespace(stage: string): string {
  return `EgovForms/${stage}`;
}

/**
 * One Lambda function per route of functions/routes.ts, each with its own role holding exactly
 * what the route's `needs` declares (grants.ts), its own log group and the shared runtime settings.
 */
export class RouteFunctions extends Construct {
  readonly all: readonly RouteFunction[];

  constructor(scope: Construct, id: string, props: RouteFunctionsProps) {
    super(scope, id);
    const { config, data, keys } = props;
    const region = Stack.of(this).region;

    this.all = props.routes.map((route) => {
      const name = route.handler;
      const serviceName = `egov-forms-${name}`;
      const usesCaseKeyCrypto = route.needs.kms.length > 0;

      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention: config.logRetentionDays,
        encryptionKey: keys.dataKey,
        removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });

      // An own role instead of the default one: the default attaches the AWS-managed
      // AWSLambdaBasicExecutionRole (logs:CreateLogGroup on every log group of the account).
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `egov-forms ${config.stage}: ${route.method} ${route.path}`,
      });
      for (const statement of statementsFor(route.needs, {
        region,
        tables: {
          cases: { tableArn: data.cases.tableArn, indexArns: data.casesIndexArns() },
          events: { tableArn: data.events.tableArn, indexArns: [] },
          idempotency: { tableArn: data.idempotency.tableArn, indexArns: [] },
        },
        caseKeyArn: keys.caseKey.keyArn,
        dataKeyArn: keys.dataKey.keyArn,
        secretArn: keys.hmacSecret.secretArn,
        logGroupArn: logGroup.logGroupArn,
      })) {
        role.addToPrincipalPolicy(statement);
      }
      keys.confineCaseKeyUse(role, route.needs.kms, name);

      const fn = new nodejs.NodejsFunction(this, name, {
        description: `${route.method} ${route.path} (${route.access})`,
        entry: path.join(PROJECT_ROOT, 'functions', name, 'handler.ts'),
        handler: 'handler',
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        // Crypto paths (KMS, AES-GCM, Ajv) get more memory and with it more CPU.
        memorySize: usesCaseKeyCrypto || route.needs.secret ? 512 : 256,
        timeout: FUNCTION_TIMEOUT,
        role,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        bundling: bundlingFor(route.needs.forms),
        environment: {
          ...handlerConfig(route.needs, data, keys),
          POWERTOOLS_SERVICE_NAME: serviceName,
          POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(config.stage),
          POWERTOOLS_LOG_LEVEL: config.logLevel,
          NODE_OPTIONS: '--enable-source-maps',
          // SDK retries; each handler sets its own request timeouts so that all attempts end well
          // before the function timeout and the caller gets a 503, not a Lambda timeout.
          AWS_MAX_ATTEMPTS: String(SDK_MAX_ATTEMPTS),
          AWS_RETRY_MODE: 'standard',
          CORS_ALLOWED_ORIGINS: config.corsOrigins.join(','),
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

      return { route, fn, role, serviceName };
    });
  }

  byHandler(handler: string): RouteFunction {
    const found = this.all.find((candidate) => candidate.route.handler === handler);
    if (!found) throw new Error(`No function for handler ${handler}`);
    return found;
  }
}
