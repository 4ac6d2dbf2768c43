// Issue 25, points 2, 4, 6, 9 and 11: a first deploy that can be retried, and failure paths that page someone.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { BINDING_MARGIN_SECONDS, STREAM_RETENTION_SECONDS, UNBOUND_FILE_DAYS, UNBOUND_SECONDS } from '#lib/attachments/upload.ts';
import { VERDICT_OVERDUE_MS } from '#lib/attachments/waitingUploads.ts';
import { QUEUES } from '#lib/messaging/queues.ts';
import { OVERDUE_UPLOADS_METRIC } from '#lib/runtime/metricNames.ts';
import { QUEUE_NEEDS } from '#lib/runtime/needs.ts';
import { functionsOf } from '../../functions/functions.ts';
import { queueWorkerConcurrency } from '../../infra/capacity.ts';
import { STREAM_AGE_ALARM } from '../../infra/constructs/alarms.ts';
import { REDACTED_HEADERS } from '../../infra/constructs/firewall.ts';
import { DATA_KEY_MATERIAL } from '../../infra/constructs/grants.ts';
import { OLDEST_MESSAGE_ALARM } from '../../infra/constructs/queues.ts';
import { checkDeployable, loadStageConfig } from '../../infra/config.ts';
import { PROD_FIXTURE, type Resource, type Synthesized, statementsOfRole, synthStage, synthTown } from './synth.ts';

const prodConfig = () => checkDeployable(loadStageConfig((key) => ({ stage: 'prod', stageFile: PROD_FIXTURE })[key as 'stage']));

let prod: Synthesized;
let dev: Synthesized;
let edge: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
  dev = synthStage('dev');
  // A second administration's prod (synth.ts's TOWN_FIXTURE): a new account, console domain and WAF.
  edge = synthTown();
});
const resourcesOf = (s: Synthesized) => s.template.toJSON().Resources as Record<string, Resource>;
const ofType = (s: Synthesized, type: string) => Object.entries(resourcesOf(s)).filter(([, r]) => r.Type === type);
const idOf = (s: Synthesized, construct: { node: { defaultChild?: unknown } }) => s.stack.getLogicalId(construct.node.defaultChild as never);
const aliasId = (s: Synthesized, name: string) => idOf(s, s.stack.releases.aliasOf(s.stack.functions.byName(name)) as never);
const aliasRefOf = (s: Synthesized, name: string) => ({ Ref: aliasId(s, name) });
/** Does an event source mapping invoke the function's live alias (not the unqualified function)? */
const mapsToAlias = (s: Synthesized, mapping: Resource, name: string) => JSON.stringify(mapping.Properties.FunctionName).includes(`"${aliasId(s, name)}"`);

describe('a failed first create can be retried (point 2)', () => {
  it('prod keeps its data on update and deletion, but a rolled-back first create removes it (RetainExceptOnCreate)', () => {
    const retained = Object.entries(resourcesOf(prod)).filter(([, r]) => r.DeletionPolicy === 'Retain');
    // Only the account-wide API Gateway logging setting and its role keep `Retain` (shared by every REST
    // API of the region; the role's name is generated, so a retry cannot collide with it).
    expect(retained.map(([id, r]) => `${r.Type} ${id}`).sort()).toEqual([
      expect.stringMatching(/^AWS::ApiGateway::Account ApiRestApiAccount/),
      expect.stringMatching(/^AWS::IAM::Role ApiRestApiCloudWatchRole/),
    ]);
    const kept = Object.values(resourcesOf(prod)).filter((r) => r.DeletionPolicy === 'RetainExceptOnCreate').map((r) => r.Type);
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::Cognito::UserPool', 'AWS::Backup::BackupVault', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::SecretsManager::Secret']) {
      expect(kept).toContain(type);
    }
  });

  it('every resource with a fixed name is removed when a first create rolls back', () => {
    const named = Object.entries(resourcesOf(prod)).filter(([, r]) =>
      ['LogGroupName', 'BackupVaultName', 'Name', 'RoleName', 'AliasName', 'UserPoolName', 'BackupPlanName'].some((key) => typeof r.Properties?.[key] === 'string'),
    );
    expect(named.length).toBeGreaterThan(5);
    for (const [id, r] of named) expect({ id, policy: r.DeletionPolicy ?? 'Delete' }).toEqual({ id, policy: expect.stringMatching(/^(Delete|RetainExceptOnCreate)$/) });
  });
});

describe('off-account backup copies (point 4)', () => {
  it("the data key's policy lets the backup account copy recovery points, grants only for AWS resources", () => {
    const account = '210987654321';
    const key = resourcesOf(prod)[idOf(prod, prod.stack.keys.dataKey)];
    const statements = (key?.Properties.KeyPolicy as { Statement: { Sid?: string; Principal?: unknown; Action: unknown; Condition?: unknown }[] }).Statement;
    const use = statements.find((statement) => statement.Sid === 'AllowBackupAccountToCopyRecoveryPoints');
    expect(JSON.stringify(use?.Principal)).toContain(`:iam::${account}:root`);
    expect(use?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:DescribeKey']));
    const grants = statements.find((statement) => statement.Sid === 'AllowBackupAccountGrantsForAwsBackup');
    expect(grants?.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    // dev copies nowhere and lets no other account in.
    const devKey = resourcesOf(dev)[idOf(dev, dev.stack.keys.dataKey)];
    expect(JSON.stringify(devKey?.Properties.KeyPolicy)).not.toContain('AllowBackupAccount');
  });

  it('a failed, aborted or expired backup or copy job notifies the alarm topic', () => {
    prod.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.backup'],
        'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      }),
      Targets: [Match.objectLike({ Arn: { Ref: idOf(prod, prod.stack.alarms.topic) } })],
    });
  });
});

describe('workers: alarms, failure destinations, canaries (point 6)', () => {
  const streamWorkers = functionsOf().filter(({ trigger }) => trigger.kind === 'stream');
  const ruleWorkers = functionsOf().filter(({ trigger }) => trigger.kind === 'rule');

  it('every stream mapping, queue mapping and rule invokes the live alias, so a canary shifts workers too', () => {
    const mappings = ofType(prod, 'AWS::Lambda::EventSourceMapping');
    const workers = functionsOf().filter(({ trigger }) => trigger.kind === 'stream' || trigger.kind === 'queue');
    expect(mappings).toHaveLength(workers.length);
    for (const { name } of workers) {
      expect({ name, toAlias: mappings.some(([, mapping]) => mapsToAlias(prod, mapping, name)) }).toEqual({ name, toAlias: true });
    }
    for (const { name } of ruleWorkers) {
      prod.template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: aliasRefOf(prod, name) })] });
    }
  });

  it('each stream worker has an IteratorAge alarm', () => {
    expect(streamWorkers.length).toBeGreaterThanOrEqual(2);
    for (const { name } of streamWorkers) {
      const fnId = idOf(prod, prod.stack.functions.byName(name).fn);
      prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'IteratorAge',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Threshold: STREAM_AGE_ALARM.toMilliseconds(),
        AlarmActions: [{ Ref: idOf(prod, prod.stack.alarms.topic) }],
      });
    }
  });

  it('an event a rule worker could not get or failed on lands in an alarmed queue (target DLQ and async failure destination)', () => {
    const failures = { 'Fn::GetAtt': [idOf(prod, prod.stack.queues.ruleFailures), 'Arn'] };
    for (const { name } of ruleWorkers) {
      prod.template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: aliasRefOf(prod, name), DeadLetterConfig: { Arn: failures } })] });
      const [invokeConfig] = ofType(prod, 'AWS::Lambda::EventInvokeConfig').filter(([, c]) => JSON.stringify(c.Properties.Qualifier).includes(`"${aliasId(prod, name)}"`));
      expect(invokeConfig?.[1].Properties.DestinationConfig).toEqual({ OnFailure: { Destination: failures } });
    }
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(prod, prod.stack.queues.ruleFailures), 'QueueName'] } }],
    });
  });

  it.each(QUEUE_NEEDS)('the %s queue alarms when its oldest message is too old', (need) => {
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(prod, prod.stack.queues.queues[need]), 'QueueName'] } }],
      Threshold: OLDEST_MESSAGE_ALARM[need].toSeconds(),
    });
  });

  it("a canary rolls back on its own function's alarms, not on the API's 5XX rate", () => {
    const api5xx = idOf(prod, prod.stack.alarms.node.findChild('Api5xxRate') as never);
    const groups = ofType(prod, 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(functionsOf().length);
    for (const { name } of prod.stack.functions.all) {
      const group = groups.find(([id]) => id.includes(`${name}Deployment`))?.[1];
      const alarms = JSON.stringify(group?.Properties.AlarmConfiguration);
      expect(alarms).toContain(`"${idOf(prod, prod.stack.alarms.node.findChild(`${name}Errors`) as never)}"`);
      expect(alarms).not.toContain(`"${api5xx}"`);
      for (const other of prod.stack.functions.all.filter((candidate) => candidate.name !== name)) {
        expect(alarms).not.toContain(`"${idOf(prod, prod.stack.alarms.node.findChild(`${other.name}Errors`) as never)}"`);
      }
    }
  });
});

describe('SES and delivery concurrency (point 9)', () => {
  it("each queue's visibility timeout is at least six times its worker's timeout", () => {
    for (const { name, trigger, timeoutSeconds } of functionsOf()) {
      if (trigger.kind !== 'queue') continue;
      expect({ name, visibility: QUEUES[trigger.queue].visibilityTimeoutSeconds >= 6 * (timeoutSeconds ?? 10) }).toEqual({ name, visibility: true });
    }
  });

  it("the queue workers' concurrency is bounded: confirmations by the send rate, deliveries by the stage setting", () => {
    for (const { name, trigger } of functionsOf()) {
      if (trigger.kind !== 'queue') continue;
      const mapping = ofType(prod, 'AWS::Lambda::EventSourceMapping').find(([, m]) => mapsToAlias(prod, m, name))?.[1];
      const expected = queueWorkerConcurrency(prodConfig(), trigger.queue, trigger.batchSize ?? 10);
      expect({ name, scaling: mapping?.Properties.ScalingConfig }).toEqual({ name, scaling: { MaximumConcurrency: expected } });
    }
  });

  it('the concurrency follows the send rate and never leaves the range Lambda accepts', () => {
    const config = prodConfig();
    const at = (rate: number) => queueWorkerConcurrency({ ...config, confirmationMail: { ...config.confirmationMail, sendRatePerSecond: rate } }, 'confirmations', 10);
    expect(at(1)).toBe(2);
    expect(at(14)).toBe(2);
    expect(at(200)).toBe(20);
    expect(at(1_000_000)).toBe(1000);
    expect(queueWorkerConcurrency({ ...config, capacity: { ...config.capacity, deliveryConcurrency: 7 } }, 'deliveries', 5)).toBe(7);
  });
});

describe('smaller review points (point 11)', () => {
  it('no function role may use the data key directly, only through a service', () => {
    for (const { name, role } of prod.stack.functions.all) {
      const policy = JSON.stringify(resourcesOf(prod)[idOf(prod, role.node.findChild('DefaultPolicy') as never)]?.Properties.PolicyDocument);
      expect({ name, deny: policy.includes('"Sid":"DataKeyOnlyThroughServices"') }).toEqual({ name, deny: true });
    }
    const dispatch = prod.stack.functions.byName('dispatch');
    const statements = (resourcesOf(prod)[idOf(prod, dispatch.role.node.findChild('DefaultPolicy') as never)]?.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: [...DATA_KEY_MATERIAL].sort(),
        Resource: { 'Fn::GetAtt': [idOf(prod, prod.stack.keys.dataKey), 'Arn'] },
        Condition: { Null: { 'kms:ViaService': 'true' } },
      }),
    );
  });

  it('the alarm topic refuses EventBridge events of other accounts', () => {
    prod.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: idOf(prod, prod.stack.alarms.topic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringNotEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it("the verdict rule matches this stack's quarantine bucket only", () => {
    prod.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Malware Protection Object Scan Result'],
        detail: { s3ObjectDetails: { bucketName: [{ Ref: idOf(prod, prod.stack.attachments.quarantine) }] } },
      },
    });
  });

  it('WAF logs redact cookies', () => {
    expect(REDACTED_HEADERS).toContain('cookie');
    for (const [, config] of ofType(prod, 'AWS::WAFv2::LoggingConfiguration')) {
      expect(config.Properties.RedactedFields).toEqual(expect.arrayContaining([{ SingleHeader: { Name: 'cookie' } }]));
    }
  });

  it('the alarm figures of docs/deploy.md are those of the prod template', () => {
    const alarms = ofType(prod, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    // CloudWatch bills an alarm per metric it watches: a math expression's metrics each count.
    const metrics = alarms.reduce((sum, alarm) => sum + (Array.isArray(alarm.Metrics) ? (alarm.Metrics as { MetricStat?: unknown }[]).filter((m) => m.MetricStat).length : 1), 0);
    const deploy = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    const row = /\| CloudWatch alarms \| (\d+) alarms on (\d+) metrics[^|]*\| \$0\.10 per alarm metric \| \$(\d+\.\d\d) \|/.exec(deploy);
    expect(row).not.toBeNull();
    expect({ alarms: Number(row?.[1]), metrics: Number(row?.[2]), dollars: row?.[3] }).toEqual({ alarms: alarms.length, metrics, dollars: (metrics * 0.1).toFixed(2) });
  });
});

describe('reserved concurrency can start at 0 (point 1)', () => {
  it('a prod file with reservations at 0 reserves nothing, the probe included', () => {
    for (const [, fn] of ofType(edge, 'AWS::Lambda::Function')) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(ofType(prod, 'AWS::Lambda::Function').some(([, fn]) => fn.Properties.ReservedConcurrentExecutions === 1)).toBe(true);
  });
});

describe('the probe does not page before the API name resolves (point 11)', () => {
  const probeAlarm = (s: Synthesized) =>
    ofType(s, 'AWS::CloudWatch::Alarm').find(([, alarm]) => String(alarm.Properties.AlarmDescription).includes('synthetic probe'))?.[1].Properties;
  it('with a custom domain whose DNS is not ready the alarm watches without notifying; once ready, or without custom domain, it notifies', () => {
    expect(probeAlarm(prod)?.ActionsEnabled).toBe(false);
    expect(probeAlarm(edge)?.ActionsEnabled).toBe(true);
    expect(probeAlarm(dev)?.ActionsEnabled).toBe(true);
    expect(probeAlarm(prod)?.AlarmActions).toBeDefined();
  });
});

describe('the console under the authority name, behind a WAF, with access logs (point 10)', () => {
  const distribution = (s: Synthesized) => ofType(s, 'AWS::CloudFront::Distribution')[0]?.[1].Properties.DistributionConfig as Record<string, unknown>;

  it('serves the custom domain with the us-east-1 certificate and TLSv1.2_2021, and the web ACL', () => {
    expect(distribution(edge)).toMatchObject({
      Aliases: ['bearbeitung.bensheim.example'],
      ViewerCertificate: {
        AcmCertificateArn: 'arn:aws:acm:us-east-1:234567890123:certificate/9f8e7d6c-5b4a-3210-fedc-ba9876543210',
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
      WebACLId: 'arn:aws:wafv2:us-east-1:234567890123:global/webacl/egov-forms-console/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    });
    expect(edge.template.toJSON().Outputs.ConsoleDomainTarget).toBeDefined();
  });

  it('the console origin is the custom domain: sign-in callback and vault CORS name it', () => {
    edge.template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://bearbeitung.bensheim.example/'] });
    const vault = resourcesOf(edge)[idOf(edge, edge.stack.attachments.vault)];
    expect(JSON.stringify(vault?.Properties.CorsConfiguration)).toContain('https://bearbeitung.bensheim.example');
  });

  it('writes CloudFront access logs to a private, expiring bucket', () => {
    for (const s of [prod, edge, dev]) {
      const logging = distribution(s).Logging as { Bucket: unknown; IncludeCookies: boolean };
      expect(logging.IncludeCookies).toBe(false);
      const bucketId = JSON.stringify(logging.Bucket).match(/"(ConsoleAccessLogs[A-Za-z0-9]+)"/)?.[1] ?? '';
      expect(resourcesOf(s)[bucketId]?.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: expect.any(Number), Status: 'Enabled' })] },
      });
    }
  });

  it("with a custom domain the CSP names the vault bucket's path, not the region's whole S3", () => {
    const csp = (s: Synthesized) =>
      JSON.stringify(
        (ofType(s, 'AWS::CloudFront::ResponseHeadersPolicy')[0]?.[1].Properties.ResponseHeadersPolicyConfig as {
          SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
        }).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
      );
    expect(csp(edge)).toContain(`https://s3.eu-central-1.amazonaws.com/",{"Ref":"${idOf(edge, edge.stack.attachments.vault)}"},"/;`);
    expect(csp(edge)).not.toContain('https://s3.eu-central-1.amazonaws.com ');
    // Without a custom domain the distribution cannot depend on the bucket (a cycle): the host stays.
    expect(csp(prod)).toContain('https://s3.eu-central-1.amazonaws.com;');
  });
});


describe('GuardDuty Malware Protection for S3 (point 5)', () => {
  const scannerStatements = (s: Synthesized) => {
    const policy = resourcesOf(s)[idOf(s, s.stack.attachments.scannerRole.node.findChild('DefaultPolicy') as never)];
    return (policy?.Properties.PolicyDocument as { Statement: { Sid: string; Action: unknown; Condition?: unknown }[] }).Statement;
  };

  it('the scanner role trusts the service as documented and may list the targets of its managed rule', () => {
    const role = resourcesOf(prod)[idOf(prod, prod.stack.attachments.scannerRole)];
    expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const statements = scannerStatements(prod);
    const manage = statements.find((statement) => statement.Sid === 'AllowManagedRuleToSendS3EventsToGuardDuty');
    expect([...(manage?.Action as string[])].sort()).toEqual(['events:DeleteRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets']);
    expect(manage?.Condition).toEqual({ StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } });
    const monitor = statements.find((statement) => statement.Sid === 'AllowGuardDutyToMonitorEventBridgeManagedRule');
    expect([...(monitor?.Action as string[])].sort()).toEqual(['events:DescribeRule', 'events:ListTargetsByRule']);
    expect(monitor?.Condition).toBeUndefined();
  });

  it("the scanner role holds every S3 and KMS action of AWS's documented policy (\"Create or update IAM role policy\"), on the quarantine only", () => {
    const statements = scannerStatements(prod) as unknown as { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    const quarantine = idOf(prod, prod.stack.attachments.quarantine);
    const grantedOn = (action: string) => statements.filter((statement) => [statement.Action].flat().includes(action));
    // AWS's statements AllowEnableS3EventBridgeEvents, AllowCheckBucketOwnership (the bucket),
    // AllowPutValidationObject, AllowMalwareScan, AllowPostScanTag (its objects), AllowDecryptForMalwareScan (via S3).
    const documented = [
      's3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket', 's3:PutObject', 's3:GetObject', 's3:GetObjectVersion',
      's3:PutObjectTagging', 's3:GetObjectTagging', 's3:PutObjectVersionTagging', 's3:GetObjectVersionTagging',
    ];
    for (const action of documented) {
      const granted = grantedOn(action);
      expect({ action, granted: granted.length }).toEqual({ action, granted: 1 });
      expect(JSON.stringify(granted[0]?.Resource)).toContain(`"${quarantine}"`);
    }
    const kms = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('kms:')));
    expect(kms.map((statement) => [statement.Action].flat().sort())).toEqual([['kms:Decrypt', 'kms:GenerateDataKey']]);
    expect(JSON.stringify(kms[0]?.Condition)).toContain('kms:ViaService');
  });

  it('an upload without verdict after 15 minutes pages the operators: counted on a schedule, missing counts breach', () => {
    const watcher = functionsOf().find(({ needs }) => needs.uploadWatch === true);
    expect(watcher?.trigger.kind).toBe('schedule');
    const alarm = ofType(prod, 'AWS::CloudWatch::Alarm').find(([, r]) => r.Properties.MetricName === OVERDUE_UPLOADS_METRIC)?.[1].Properties;
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      Period: 300,
      Statistic: 'Maximum',
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'service', Value: `egov-forms-${watcher?.name}` }],
      AlarmActions: [{ Ref: idOf(prod, prod.stack.alarms.topic) }],
    });
    expect(VERDICT_OVERDUE_MS).toBe(15 * 60_000);
    // It lists the quarantine (keys and times), and reads none of its objects.
    const role = idOf(prod, prod.stack.functions.byName(watcher?.name ?? '').role);
    const quarantine = idOf(prod, prod.stack.attachments.quarantine);
    const onQuarantine = statementsOfRole(prod.template, role).filter((statement) => JSON.stringify(statement.Resource).includes(`"${quarantine}"`));
    expect(onQuarantine.map((statement) => statement.Action)).toEqual([['s3:ListBucket']]);
  });

  it("GuardDuty's reports of stopped scans or failed tagging go to the alarm topic", () => {
    prod.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.guardduty'],
        'detail-type': Match.arrayWith(['GuardDuty Malware Protection Resource Status Error', 'GuardDuty Malware Protection Post Scan Action Failed']),
      },
      Targets: [Match.objectLike({ Arn: { Ref: idOf(prod, prod.stack.alarms.topic) } })],
    });
  });
});

describe('files in AWS Backup (point 8)', () => {
  it('the vault is versioned, and replaced versions go a day later', () => {
    const vault = resourcesOf(prod)[idOf(prod, prod.stack.attachments.vault)];
    expect(vault?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = (vault?.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Id: 'vault-old-versions', NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }));
  });

  it('the backup plan selects the attachments table and the vault, and the vault lets the backup role read', () => {
    const [[, selection] = []] = ofType(prod, 'AWS::Backup::BackupSelection');
    const selected = JSON.stringify((selection?.Properties.BackupSelection as { Resources: unknown }).Resources);
    expect(selected).toContain(idOf(prod, prod.stack.data.attachments));
    expect(selected).toContain(idOf(prod, prod.stack.attachments.vault));
    const backupRole = idOf(prod, prod.stack.backups.role);
    expect(JSON.stringify(resourcesOf(prod)[backupRole]?.Properties.ManagedPolicyArns)).toContain('AWSBackupServiceRolePolicyForS3Backup');
    const [, policy] = ofType(prod, 'AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Properties.Bucket).includes(idOf(prod, prod.stack.attachments.vault))) ?? [];
    const deny = (policy?.Properties.PolicyDocument as { Statement: { Sid?: string; Condition?: unknown }[] }).Statement.find((st) => st.Sid === 'DenyReadingFilesToAllButNamedReaders');
    expect(JSON.stringify(deny?.Condition)).toContain(`"${backupRole}"`);
  });
});

describe('a stalled keepFiles never lets the unbound rule remove a bound file (point 7)', () => {
  it('the unbound rule waits past the ticket, the whole stream retention and a day for the operator', () => {
    const vault = resourcesOf(prod)[idOf(prod, prod.stack.attachments.vault)];
    const rules = (vault?.Properties.LifecycleConfiguration as { Rules: { Id: string; ExpirationInDays?: number }[] }).Rules;
    const unbound = rules.find((rule) => rule.Id === 'vault-unbound');
    // Stalled for the longest time a record can wait (the ticket's life, then the stream's retention):
    const longestStallDays = (UNBOUND_SECONDS + STREAM_RETENTION_SECONDS) / 86_400;
    expect(unbound?.ExpirationInDays).toBe(UNBOUND_FILE_DAYS);
    expect(UNBOUND_FILE_DAYS).toBeGreaterThanOrEqual(Math.ceil(longestStallDays) + 1);
    // keepFiles' stall pages someone long before: its IteratorAge alarm, in minutes.
    expect(STREAM_AGE_ALARM.toSeconds()).toBeLessThan(BINDING_MARGIN_SECONDS);
  });
});
