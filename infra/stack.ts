import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { casesTable } from '#lib/cases/tables.ts';
import { has } from '#lib/runtime/needs.ts';
import { functions as functionTable, type FunctionTable } from '../functions/functions.ts';
import type { FormCatalogue } from '#lib/forms/reading.ts';
import type { FormsOffering } from '#lib/forms/public.ts';
import type { StageConfig } from './config.ts';
import { loadCheckedCatalogue } from './formPatterns.ts';
import { FORMS_SOURCE_DIR, offeringOf } from './forms.ts';
import type { Alarms } from './constructs/alarms.ts';
import { AlarmTopic } from './constructs/alarmTopic.ts';
import { Attachments } from './constructs/attachments.ts';
import { Audit } from './constructs/audit.ts';
import { Api } from './constructs/api.ts';
import { Backups } from './constructs/backups.ts';
import { Clerks } from './constructs/clerks.ts';
import { Console } from './constructs/console.ts';
import { Portal } from './constructs/portal.ts';
import { OperationsDashboard } from './constructs/dashboard.ts';
import { Data } from './constructs/data.ts';
import { Delivery } from './constructs/delivery.ts';
import { webAclNameOf } from './constructs/firewall.ts';
import { Functions } from './constructs/functions.ts';
import { signInConfigOf } from './constructs/signIn.ts';
import { KeyWatch } from './constructs/keyWatch.ts';
import { Keys } from './constructs/keys.ts';
import { Queues } from './constructs/queues.ts';
import { Mail } from './constructs/mail.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { retentionClassesOf } from '#lib/attachments/retention.ts';
import { Releases } from './constructs/releases.ts';
import { SyntheticProbe } from './constructs/synthetic.ts';

export interface FormsStackProps extends StackProps {
  readonly config: StageConfig;
  /** The function table; defaults to functions/functions.ts (tests may hand in their own). */
  readonly functionTable?: FunctionTable;
}

/** The longest `retentionDays` of any offered form version: files in the vault never outlive it. */
function longestRetentionDays(catalogue: FormCatalogue, offering: FormsOffering): number {
  return Math.max(...catalogue.all().filter((form) => offering.forms.includes(form.id)).map((form) => form.retentionDays));
}

/** The stack of one stage file (`kreis-bergstrasse-prod` → `EgovForms-kreis-bergstrasse-prod`). */
export function stackName(name: string): string {
  return `EgovForms-${name}`;
}

/**
 * The whole backend of one stage: keys and secret, tables, one function per entry of the function table, the REST API with
 * WAF and Cognito authorizer, the clerks' user pool; the alarms in a nested stack (monitoring.ts). Everything function-specific is derived
 * from the function table.
 */
export class FormsStack extends Stack {
  readonly keys: Keys;
  readonly data: Data;
  readonly functions: Functions;
  readonly clerks: Clerks;
  readonly api: Api;
  /** The alarms, in the monitoring nested stack (`monitoring.alarms`). */
  readonly alarms: Alarms;
  readonly monitoring: Monitoring;
  readonly releases: Releases;
  readonly backups: Backups;
  readonly delivery: Delivery;
  readonly queues: Queues;
  readonly attachments: Attachments;
  readonly mail: Mail;
  readonly console: Console;
  readonly portal: Portal;
  readonly audit: Audit;

  constructor(scope: Construct, id: string, props: FormsStackProps) {
    super(scope, id, props);
    // Owner, protection level and cost centre on every resource that takes tags.
    Tags.of(this).add('application', 'egov-forms');
    Tags.of(this).add('stage', props.config.stage);
    Tags.of(this).add('owner', props.config.tags.owner);
    Tags.of(this).add('protection-level', props.config.tags.protectionLevel);
    Tags.of(this).add('cost-centre', props.config.tags.costCentre);

    // The forms this administration offers (its stage file): a listed form whose office it lacks stops the synth here.
    const catalogue = loadCheckedCatalogue(FORMS_SOURCE_DIR);
    const forms = offeringOf(props.config, catalogue);

    // Every account- or region-unique name derives from the stage file's name (config.name).
    this.keys = new Keys(this, 'Keys', { stage: props.config.name, retainData: props.config.retainData });
    // The clerk console first: its origin joins the API's CORS origins and the app client's callbacks.
    this.clerks = new Clerks(this, 'Clerks', { config: props.config, logKey: this.keys.dataKey });
    this.console = new Console(this, 'Console', { config: props.config, userPool: this.clerks.userPool, logKey: this.keys.dataKey });
    this.console.allowSignIn(this.clerks.client);
    // The citizens' portal likewise: its origin joins the CORS origins, its status page is the mail's default link.
    this.portal = new Portal(this, 'Portal', { config: props.config, logKey: this.keys.dataKey });
    const config: StageConfig = { ...props.config, corsOrigins: [...new Set([...props.config.corsOrigins, this.console.origin, this.portal.origin])] };
    const table = props.functionTable ?? functionTable;
    this.data = new Data(this, 'Data', {
      key: this.keys.dataKey,
      retainData: config.retainData,
      submissionsPerSecond: config.capacity.submissionsPerSecond,
      table,
    });
    this.delivery = new Delivery(this, 'Delivery', { config, secretKey: this.keys.dataKey });
    this.queues = new Queues(this, 'Queues');
    this.attachments = new Attachments(this, 'Attachments', {
      stage: config.name,
      key: this.keys.dataKey,
      retainData: config.retainData,
      corsOrigins: config.corsOrigins,
      vaultReadOrigins: [this.console.origin],
      maxRetentionDays: longestRetentionDays(catalogue, forms),
      retentionClasses: retentionClassesOf(catalogue.all().filter((form) => forms.forms.includes(form.id))),
    });
    this.console.allowDownloadsFrom(this.attachments.vault);
    this.mail = new Mail(this, 'Mail', { config, topicKey: this.keys.dataKey, defaultStatusPageUrl: this.portal.statusPageUrl });
    this.audit = new Audit(this, 'Audit', { stage: config.name, maxRetentionDays: longestRetentionDays(catalogue, forms), retainData: config.retainData });
    this.functions = new Functions(this, 'Functions', {
      config,
      table,
      forms,
      data: this.data,
      keys: this.keys,
      delivery: { destinationsFile: this.delivery.destinationsFile, secretArns: this.delivery.secretArns },
      queues: this.queues,
      attachments: this.attachments,
      mail: this.mail,
      audit: this.audit,
      signIn: signInConfigOf(this, config),
    });
    this.audit.restrictSigners(this.functions.all.filter(({ needs }) => has(needs, 'auditCheckpoints')).map(({ role }) => role));
    const caseKeyUsers = this.functions.all.filter(({ needs }) => has(needs, 'caseKey') || has(needs, 'attachmentKey') || has(needs, 'messageKey')).map(({ role }) => role);
    const readersOf = (need: 'quarantine' | 'vault') =>
      this.functions.all.filter(({ needs }) => (needs[need] ?? []).includes('s3:GetObject')).map(({ role }) => role);
    this.attachments.restrictVaultTaggers(
      this.functions.all.filter(({ needs }) => (needs.vault ?? []).includes('s3:PutObjectTagging')).map(({ role }) => role),
    );
    this.keys.restrictCaseKey(caseKeyUsers);
    this.releases = new Releases(this, 'Releases', { config, functions: this.functions.all });
    this.functions.wireTriggers((fn) => this.releases.aliasOf(fn), this.data, this.queues, this.attachments);
    this.api = new Api(this, 'Api', {
      // API Gateway's own answers (401, WAF 403, 429) keep the stage's origins; preflights and handlers add the console's.
      config: props.config,
      consoleOrigin: this.console.origin,
      portalOrigin: this.portal.origin,
      functions: this.functions.all,
      userPool: this.clerks.userPool,
      userPoolClient: this.clerks.client,
      logKey: this.keys.dataKey,
      targetOf: (fn) => this.releases.aliasOf(fn),
    });
    const publicUrl = config.customDomain ? `https://${config.customDomain.domainName}/` : this.api.restApi.url;
    const probe = new SyntheticProbe(this, 'Synthetic', { config, baseUrl: publicUrl, logKey: this.keys.dataKey });
    const tables = [
      // The office lists' indexes only: an alarm's math takes at most 10 metrics (table + 4 indexes, reads and writes); the
      // citizen index (forms that need sign-in only, few writes) is left out of it.
      { id: 'Cases', table: this.data.cases, indexNames: casesTable.indexes.map((index) => index.name) },
      { id: 'Events', table: this.data.events, indexNames: [] },
      { id: 'Idempotency', table: this.data.idempotency, indexNames: [] },
      { id: 'Attachments', table: this.data.attachments, indexNames: [] },
      { id: 'SignIns', table: this.data.signIns, indexNames: [] },
    ];
    const webAclName = webAclNameOf(config.name);
    // The topic keeps its id (`Alarms/Topic`) from before the alarms moved into their nested stack (alarmTopic.ts).
    const { topic } = new AlarmTopic(this, 'Alarms', { config, topicKey: this.keys.dataKey });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      api: this.api.restApi,
      functions: this.functions.all,
      tables,
      topic,
      webAclName,
      probe: probe.fn,
      queues: this.queues,
      mail: this.mail,
    });
    this.alarms = this.monitoring.alarms;
    this.attachments.alarmOnScanProblems(topic);
    this.releases.rollOutWithCanary((handler) => this.alarms.rollbackAlarmsOf(handler));
    new KeyWatch(this, 'KeyWatch', { caseKey: this.keys.caseKey, expectedUsers: caseKeyUsers, topic });
    new OperationsDashboard(this, 'Dashboard', { stage: config.name, api: this.api.restApi, functions: this.functions.all, tables, webAclName });
    this.backups = new Backups(this, 'Backups', {
      config,
      tables: [this.data.cases, this.data.events, this.data.attachments],
      buckets: [this.attachments.vault],
      vaultKey: this.keys.dataKey,
      topic,
    });
    // AWS Backup reads the vault's objects for its snapshots: it joins the vault's named readers.
    this.attachments.restrictReaders(readersOf('quarantine'), [...readersOf('vault'), this.backups.role]);

    this.console.publish(publicUrl, this.clerks.client);
    this.portal.publish(publicUrl);

    new CfnOutput(this, 'ApiUrl', { value: publicUrl, description: 'Base URL of the API (API.md)' });
    new CfnOutput(this, 'PortalUrl', { value: this.portal.url, description: "The citizens' portal (API.md, Citizens' portal)" });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The clerk console (Cognito managed login)' });
    new CfnOutput(this, 'AuditKeyArn', { value: this.audit.key.keyArn, description: 'The audit key: kms get-public-key verifies checkpoints (npm run audit)' });
    new CfnOutput(this, 'CheckpointBucketName', { value: this.audit.bucket.bucketName, description: 'Signed audit checkpoints (Object Lock, compliance mode)' });
    new CfnOutput(this, 'CasesTableName', { value: this.data.cases.tableName, description: 'The cases (npm run audit -- report reads their office)' });
    new CfnOutput(this, 'EventsTableName', { value: this.data.events.tableName, description: 'The hash-chained events (npm run audit)' });
    new CfnOutput(this, 'UserPoolId', { value: this.clerks.userPool.userPoolId, description: 'Cognito user pool of the clerks' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.clerks.client.userPoolClientId,
      description: 'App client id for the clerks front end (managed login with the console as callback, or SRP)',
    });
    new CfnOutput(this, 'CasesTableArn', { value: this.data.cases.tableArn, description: 'DynamoDB table of cases (with its list indexes)' });
    new CfnOutput(this, 'EventsTableArn', { value: this.data.events.tableArn, description: 'DynamoDB table of case events (append-only)' });
    new CfnOutput(this, 'IdempotencyTableArn', {
      value: this.data.idempotency.tableArn,
      description: 'DynamoDB table of idempotency records',
    });
    new CfnOutput(this, 'DeliveriesQueueUrl', { value: this.queues.queues.deliveries.queueUrl, description: 'Queue of cases to deliver (npm run delivery)' });
    new CfnOutput(this, 'DeliveriesDeadLetterQueueUrl', {
      value: this.queues.deadLetters.deliveries.queueUrl,
      description: 'Dead-lettered deliveries (npm run delivery -- redrive)',
    });
    new CfnOutput(this, 'CaseKeyArn', { value: this.keys.caseKey.keyArn, description: 'KMS key wrapping the case data keys' });
    new CfnOutput(this, 'BreakGlassRoleArn', {
      value: this.keys.breakGlassRole.roleArn,
      description: 'Emergency role for the case key (docs/operations.md, "Break-glass access"); every use alerts',
    });
  }
}
