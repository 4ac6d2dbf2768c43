import { beforeAll, describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { type Synthesized, synthStage } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});
const stages = (): [string, Synthesized][] => [
  ['dev', dev],
  ['prod', prod],
];

/** Every acknowledgement in the tree: where it sits, which rule, why. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each(['dev', 'prod'])('%s has zero unacknowledged errors and warnings', (stage) => {
    const synthesized = stages().find(([name]) => name === stage)?.[1];
    if (!synthesized) throw new Error(stage);
    const report = new cdkNag.AwsSolutionsChecks().validateScope(synthesized.stack);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });

  it.each(['dev', 'prod'])('%s synthesizes without CDK warnings or errors', (stage) => {
    const synthesized = stages().find(([name]) => name === stage)?.[1];
    if (!synthesized) throw new Error(stage);
    // What Annotations.fromStack reads, from the synth that made the shared template (synth.ts).
    expect(synthesized.messages.filter((message) => message.level === 'error')).toEqual([]);
    expect(synthesized.messages.filter((message) => message.level === 'warning')).toEqual([]);
  });

  it('every acknowledgement sits on a construct below the stack and gives a specific reason', () => {
    for (const stack of [dev.stack, prod.stack]) {
      const acks = acknowledgements(stack);
      expect(acks.length).toBeGreaterThan(0);
      for (const ack of acks) expect(ack.path.startsWith(`${stack.node.path}/`)).toBe(true);
    }
    for (const ack of [...acknowledgements(dev.stack), ...acknowledgements(prod.stack)]) {
      expect(ack.id).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });

  it('acknowledges only the findings this design accepts', () => {
    const ids = [
      ...new Set([...acknowledgements(dev.stack), ...acknowledgements(prod.stack)].map((ack) => ack.id.replace(/^annotation::/i, ''))),
    ].sort();
    expect(ids).toEqual([
      'AwsSolutions-APIG4',
      // The clerk console's and the citizens' portal's distributions, buckets and uploads
      // (infra/constructs/console.ts, portal.ts, reasons there).
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      // The portal keeps no CloudFront access log: its requests carry no data, and a log would keep
      // each status page's case reference beside the reader's address (portal.ts).
      'AwsSolutions-CFR3',
      'AwsSolutions-CFR4',
      'AwsSolutions-COG4',
      // AWS Backup snapshots the attachment vault with AWS's managed S3 policies (infra/constructs/backups.ts).
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'AwsSolutions-IAM5[Resource::*]',
      // The checkpoint worker writes checkpoints by name (infra/constructs/audit.ts).
      'AwsSolutions-IAM5[Resource::<AuditCheckpoints71B9CCD4.Arn>/checkpoints/*]',
      // The console's upload role writes its build into its own bucket (infra/constructs/console.ts).
      'AwsSolutions-IAM5[Resource::<ConsoleSite26539DB4.Arn>/*]',
      // The portal's upload role likewise (infra/constructs/sitePublishing.ts).
      'AwsSolutions-IAM5[Resource::<PortalSite2367B7D1.Arn>/*]',
      // GuardDuty's scanner role manages the rule GuardDuty names itself (infra/constructs/attachments.ts).
      'AwsSolutions-IAM5[Resource::arn:aws:events:eu-central-1:<AWS::AccountId>:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*]',
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-eu-central-1/*]',
      'AwsSolutions-L1',
      // Attachment buckets: reads are audit events, not server access logs (infra/constructs/attachments.ts);
      // the checkpoint bucket: create-only, locked evidence (infra/constructs/audit.ts).
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
  });
});
