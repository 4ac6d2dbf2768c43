import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import { PROBE_RESERVATION, reservationsOf } from '../capacity.ts';
import type { StageConfig } from '../config.ts';

export interface SyntheticProps {
  readonly config: StageConfig;
  /** Base URL of the API as citizens reach it (the custom domain when there is one). */
  readonly baseUrl: string;
  readonly logKey: kms.IKey;
}

/**
 * What a citizen's portal does first: `GET /forms`, expecting 200 and a non-empty list of forms.
 * Plain Node 24 `fetch`, no dependencies; it throws on anything else, which counts as an error.
 */
export const PROBE_SOURCE = `
exports.handler = async () => {
  const url = new URL('forms', process.env.BASE_URL).toString();
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(8000) });
  if (response.status !== 200) throw new Error('GET /forms answered ' + response.status);
  const body = await response.json();
  const forms = body && Array.isArray(body.items) ? body.items : undefined;
  if (!forms || forms.length === 0) throw new Error('GET /forms listed no forms');
  return { forms: forms.length };
};
`;

/**
 * A synthetic client probing the API from outside every minute: a scheduled Lambda function with
 * inline code (no bundling, no Docker, no Synthetics artifact bucket). Its alarm (alarms.ts) fires
 * when probes fail or when no probe ran at all (missing data breaches).
 */
export class SyntheticProbe extends Construct {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: SyntheticProps) {
    super(scope, id);
    const { config } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.logRetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: keptIf(config.retainData),
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `egov-forms ${config.name}: synthetic GET /forms probe (writes its own logs only)`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    this.fn = new lambda.Function(this, 'Probe', {
      description: 'Synthetic probe: GET /forms must answer 200 with forms',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(PROBE_SOURCE),
      timeout: Duration.seconds(10),
      memorySize: 128,
      role,
      logGroup,
      environment: { BASE_URL: props.baseUrl },
      // One probe at a time: a hanging API must not pile probes up.
      reservedConcurrentExecutions: reservationsOf(config).get(PROBE_RESERVATION),
    });
    new events.Rule(this, 'EveryMinute', {
      description: 'Runs the synthetic GET /forms probe',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
  }
}
