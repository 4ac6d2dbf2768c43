import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { casesTable } from '#lib/cases/tables.ts';
import { functions as functionTable, type FunctionTable } from '../functions/functions.ts';
import type { StageConfig } from './config.ts';
import { Alarms } from './constructs/alarms.ts';
import { Api } from './constructs/api.ts';
import { Clerks } from './constructs/clerks.ts';
import { Data } from './constructs/data.ts';
import { Functions } from './constructs/functions.ts';
import { Keys } from './constructs/keys.ts';

export interface FormsStackProps extends StackProps {
  readonly config: StageConfig;
  /** The function table; defaults to functions/functions.ts (tests may hand in their own). */
  readonly functionTable?: FunctionTable;
}

export function stackName(stage: string): string {
  return `EgovForms-${stage}`;
}

/**
 * The whole backend of one stage: keys and secret, tables, one function per entry of the function table, the REST API with
 * WAF and Cognito authorizer, the clerks' user pool, alarms. Everything function-specific is derived
 * from the function table.
 */
export class FormsStack extends Stack {
  readonly keys: Keys;
  readonly data: Data;
  readonly functions: Functions;
  readonly clerks: Clerks;
  readonly api: Api;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: FormsStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.keys = new Keys(this, 'Keys', { stage: config.stage, retainData: config.retainData });
    const table = props.functionTable ?? functionTable;
    this.data = new Data(this, 'Data', { key: this.keys.dataKey, retainData: config.retainData, table });
    this.functions = new Functions(this, 'Functions', {
      config,
      table,
      data: this.data,
      keys: this.keys,
    });
    this.clerks = new Clerks(this, 'Clerks', config);
    this.api = new Api(this, 'Api', { config, functions: this.functions.all, userPool: this.clerks.userPool });
    this.alarms = new Alarms(this, 'Alarms', {
      config,
      api: this.api.restApi,
      functions: this.functions.all,
      tables: [
        { id: 'Cases', table: this.data.cases, indexNames: casesTable.indexes.map((index) => index.name) },
        { id: 'Events', table: this.data.events, indexNames: [] },
        { id: 'Idempotency', table: this.data.idempotency, indexNames: [] },
      ],
      topicKey: this.keys.dataKey,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url, description: 'Base URL of the API (API.md)' });
    new CfnOutput(this, 'UserPoolId', { value: this.clerks.userPool.userPoolId, description: 'Cognito user pool of the clerks' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.clerks.client.userPoolClientId,
      description: 'App client id for the clerks front end (SRP sign-in)',
    });
    new CfnOutput(this, 'CasesTableArn', { value: this.data.cases.tableArn, description: 'DynamoDB table of cases (with its list indexes)' });
    new CfnOutput(this, 'EventsTableArn', { value: this.data.events.tableArn, description: 'DynamoDB table of case events (append-only)' });
    new CfnOutput(this, 'IdempotencyTableArn', {
      value: this.data.idempotency.tableArn,
      description: 'DynamoDB table of idempotency records',
    });
    new CfnOutput(this, 'CaseKeyArn', { value: this.keys.caseKey.keyArn, description: 'KMS key wrapping the case data keys' });
  }
}
