import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { FILE_RETENTION_MARGIN_DAYS, RETENTION_TAG, retentionClassesOf } from '#lib/attachments/retention.ts';
import { UNBOUND_FILE_DAYS } from '#lib/attachments/upload.ts';
import { loadCheckedCatalogue } from '../../infra/formPatterns.ts';
import { defaultStageName, loadStageConfig } from '../../infra/config.ts';
import { FORMS_SOURCE_DIR, offeringOf } from '../../infra/forms.ts';
import { DATA_KEY_MATERIAL } from '../../infra/constructs/grants.ts';
import { routes, functions } from '../../functions/functions.ts';
import { type Resource, type Synthesized, actionMatches, resourceRefersTo, statementsOfRole, synthStage } from './synth.ts';

let dev: Synthesized;
let resources: Record<string, Resource>;
beforeAll(() => {
  dev = synthStage('dev');
  resources = dev.template.toJSON().Resources as Record<string, Resource>;
});

const logicalId = (construct: { node: { defaultChild?: unknown } }): string => dev.stack.getLogicalId(construct.node.defaultChild as never);
const quarantine = () => logicalId(dev.stack.attachments.quarantine);
const vault = () => logicalId(dev.stack.attachments.vault);
const roleOf = (name: string): string => dev.stack.getLogicalId(dev.stack.functions.byName(name).role.node.defaultChild as never);
const OBJECT_READS = ['s3:GetObject', 's3:GetObjectVersion'];
/** Who reads clean files: clerks' downloads, and the delivery worker (the files travel with the case). */
/** The clerk download, the delivery worker, and the citizen's download of the files of his messages (presigned GETs). */
const VAULT_READERS: readonly string[] = ['downloadAttachment', 'deliver', 'citizenDownload'];

/** Does any allow statement of the role grant one of `actions` on objects of the bucket? */
function mayOnBucket(role: string, bucket: string, actions: readonly string[]): boolean {
  return statementsOfRole(dev.template, role).some(
    (statement) =>
      statement.Effect === 'Allow' &&
      resourceRefersTo(statement, bucket) &&
      statement.Action.some((pattern) => actions.some((action) => actionMatches(pattern, action))),
  );
}

function bucketPolicyOf(bucket: string): { Effect: string; Action: string | string[]; Condition?: Record<string, Record<string, unknown>>; Sid?: string }[] {
  const policy = Object.values(resources).find(
    (resource) => resource.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(resource.Properties.Bucket).includes(`"${bucket}"`),
  );
  if (!policy) throw new Error(`no bucket policy for ${bucket}`);
  return (policy.Properties.PolicyDocument as { Statement: never[] }).Statement;
}

describe('the attachment buckets', () => {
  it.each([['quarantine'], ['vault']] as const)('%s: SSE-KMS with the at-rest key and bucket keys, public access blocked, no ACLs', (name) => {
    const bucket = resources[name === 'quarantine' ? quarantine() : vault()]!;
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(dev.stack.keys.dataKey), 'Arn'] } },
        },
      ],
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it.each([['quarantine'], ['vault']] as const)('%s: the bucket policy denies every request without TLS', (name) => {
    const statements = bucketPolicyOf(name === 'quarantine' ? quarantine() : vault());
    expect(statements).toEqual(
      expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
    );
  });

  it('quarantine: leftovers expire after one day; the vault keeps files no longer than the longest retention', () => {
    expect(resources[quarantine()]!.Properties.LifecycleConfiguration).toEqual({
      Rules: [expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 1, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })],
    });
    const rules = (resources[vault()]!.Properties.LifecycleConfiguration as { Rules: { ExpirationInDays: number; TagFilters?: unknown }[] }).Rules;
    // (The versions rule removes replaced versions only: issue 25, point 8.)
    const untagged = rules.filter((rule) => rule.TagFilters === undefined && rule.ExpirationInDays !== undefined);
    expect(untagged).toHaveLength(1);
    expect(untagged[0]!.ExpirationInDays).toBeGreaterThan(1);
  });

  it('vault: files still tagged unbound expire after UNBOUND_FILE_DAYS (unreachable after 24 hours; fail-safe against a stalled keepFiles)', () => {
    const rules = (resources[vault()]!.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules.filter((rule) => rule.Id === 'vault-unbound')).toEqual([
      { Id: 'vault-unbound', Status: 'Enabled', ExpirationInDays: UNBOUND_FILE_DAYS, TagFilters: [{ Key: 'binding', Value: 'unbound' }] },
    ]);
  });

  it("vault: a bound file goes with its case, one rule per retention class of the administration's forms (issue 25, point 8)", () => {
    const config = loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined));
    const catalogue = loadCheckedCatalogue(FORMS_SOURCE_DIR);
    const offering = offeringOf(config, catalogue);
    const classes = retentionClassesOf(catalogue.all().filter((form) => offering.forms.includes(form.id)));
    expect(classes.length).toBeGreaterThan(0);
    const rules = (resources[vault()]!.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules.filter((rule) => String(rule.Id).startsWith('vault-retention-'))).toEqual(
      classes.map((days) => ({
        Id: `vault-retention-${days}`,
        Status: 'Enabled',
        ExpirationInDays: days + FILE_RETENTION_MARGIN_DAYS,
        TagFilters: [
          { Key: 'binding', Value: 'bound' },
          { Key: RETENTION_TAG, Value: String(days) },
        ],
      })),
    );
    // Replaced versions (an expired file leaves one behind a delete marker) go a day later.
    expect(rules).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 1 }, ExpiredObjectDeleteMarker: true }));
  });

  it('vault: the bucket policy denies changing tags (which decide the lifecycle) to all but the verdict worker and keepFiles', () => {
    const deny = bucketPolicyOf(vault()).find((statement) => statement.Sid === 'DenyTaggingFilesToAllButNamedTaggers');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Action: ['s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
    });
    const allowed = deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn'] as { 'Fn::GetAtt': [string, string] }[];
    expect(allowed.map((arn) => arn['Fn::GetAtt']).sort()).toEqual([
      [roleOf('attachmentVerdict'), 'Arn'],
      [roleOf('keepFiles'), 'Arn'],
    ].sort());
  });

  it('quarantine: the bucket policy denies reading uploads to all but the verdict worker and GuardDuty', () => {
    const deny = bucketPolicyOf(quarantine()).find((statement) => statement.Sid === 'DenyReadingUploadsToAllButScanners');
    expect(deny).toMatchObject({ Effect: 'Deny', Action: OBJECT_READS });
    const allowed = JSON.stringify(deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn']);
    expect(allowed).toContain(roleOf('attachmentVerdict'));
    expect(allowed).toContain(logicalId(dev.stack.attachments.scannerRole));
    for (const route of routes) if (route.handler !== 'attachmentVerdict') expect(allowed).not.toContain(`"${roleOf(route.handler)}"`);
  });

  it('vault: the bucket policy denies reading files to all but the clerk and citizen download paths, the delivery worker and AWS Backup', () => {
    const deny = bucketPolicyOf(vault()).find((statement) => statement.Sid === 'DenyReadingFilesToAllButNamedReaders');
    expect(deny).toMatchObject({ Effect: 'Deny', Action: OBJECT_READS });
    // Exactly these roles, no other principal (the backup role snapshots the vault: issue 25, point 8).
    const allowed = deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn'] as { 'Fn::GetAtt': [string, string] }[];
    expect(allowed.map((arn) => arn['Fn::GetAtt']).sort()).toEqual([...VAULT_READERS.map((name) => [roleOf(name), 'Arn']), [logicalId(dev.stack.backups.role), 'Arn']].sort());
    const serialized = JSON.stringify(allowed);
    for (const name of Object.keys(functions)) {
      expect({ name, reads: serialized.includes(`"${roleOf(name)}"`) }).toEqual({ name, reads: VAULT_READERS.includes(name) });
    }
  });
});

describe('who may touch which bucket (identity policies)', () => {
  it('only the verdict worker may read quarantine; only the download paths and the delivery worker may read the vault', () => {
    for (const name of Object.keys(functions)) {
      expect({ name, quarantine: mayOnBucket(roleOf(name), quarantine(), OBJECT_READS) }).toEqual({ name, quarantine: name === 'attachmentVerdict' });
      expect({ name, vault: mayOnBucket(roleOf(name), vault(), OBJECT_READS) }).toEqual({ name, vault: VAULT_READERS.includes(name) });
    }
  });

  it('the delivery role may only read vault objects (GetObject by attachment id), nothing else in S3', () => {
    const s3Statements = statementsOfRole(dev.template, roleOf('deliver')).filter((statement) => statement.Action.some((action) => action.startsWith('s3:')));
    expect(s3Statements.map((statement) => ({ actions: statement.Action, vault: resourceRefersTo(statement, vault()), quarantine: resourceRefersTo(statement, quarantine()) }))).toEqual([
      { actions: ['s3:GetObject'], vault: true, quarantine: false },
    ]);
  });

  it('keepFiles may only tag vault objects, nothing else in S3, reads no item and uses the data key only for the stream', () => {
    const statements = statementsOfRole(dev.template, roleOf('keepFiles'));
    const s3Statements = statements.filter((statement) => statement.Action.some((action) => action.startsWith('s3:')));
    expect(s3Statements.map((statement) => ({ actions: statement.Action, vault: resourceRefersTo(statement, vault()), quarantine: resourceRefersTo(statement, quarantine()) }))).toEqual([
      { actions: ['s3:PutObjectTagging'], vault: true, quarantine: false },
    ]);
    const actions = statements.flatMap((statement) => statement.Action);
    // Its event source mapping reads the stream (dynamodb:GetRecords and the like); no item.
    const itemActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
    expect(actions.filter((action) => itemActions.some((item) => actionMatches(action, item)))).toEqual([]);
    // Tagging needs no key; the stream of the (customer-key encrypted) table is read with Decrypt, not through S3,
    // and only through the service: a direct call (no kms:ViaService) is denied (issue 25, point 11).
    const keyStatements = statements.filter((statement) => statement.Effect === 'Allow' && statement.Action.some((action) => action.startsWith('kms:')));
    expect(keyStatements.flatMap((statement) => statement.Action).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: [...DATA_KEY_MATERIAL].sort(), Condition: { Null: { 'kms:ViaService': 'true' } } }));
  });

  it('keepFiles reads the cases stream, filtered to new file items, retried until the stream drops a record', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: Match.anyValue(),
      EventSourceArn: { 'Fn::GetAtt': [logicalId(dev.stack.data.cases), 'StreamArn'] },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'CASE#FILE#' }] } } } }) }] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
    });
  });

  it('the submit role can read no file and write none', () => {
    for (const bucket of [quarantine(), vault()]) {
      expect(mayOnBucket(roleOf('submit'), bucket, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'])).toBe(false);
    }
    expect(statementsOfRole(dev.template, roleOf('submit')).flatMap((statement) => statement.Action).filter((action) => action.startsWith('s3:'))).toEqual([]);
  });

  it('the ticket role may only put into quarantine (what its presigned PUT needs), nothing else in S3', () => {
    const s3Actions = statementsOfRole(dev.template, roleOf('attachmentTicket')).flatMap((statement) =>
      statement.Action.filter((action) => action.startsWith('s3:')).map((action) => ({ action, quarantine: resourceRefersTo(statement, quarantine()) })),
    );
    expect(s3Actions).toEqual([{ action: 's3:PutObject', quarantine: true }]);
  });

  it('attachment names are sealed under the case key only with the attachment context', () => {
    const statement = statementsOfRole(dev.template, roleOf('attachmentTicket')).find((candidate) => candidate.Action.includes('kms:GenerateDataKey'));
    expect(statement?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['attachmentId', 'formId', 'office', 'purpose'] },
      Null: {
        'kms:EncryptionContext:attachmentId': 'false',
        'kms:EncryptionContext:formId': 'false',
        'kms:EncryptionContext:office': 'false',
        'kms:EncryptionContext:purpose': 'false',
      },
      StringEquals: { 'kms:EncryptionContext:purpose': 'attachment-meta' },
    });
  });
});

describe('malware scanning', () => {
  it('GuardDuty Malware Protection for S3 protects the quarantine bucket, tagging results, with its own role', () => {
    dev.template.hasResourceProperties('AWS::GuardDuty::MalwareProtectionPlan', {
      ProtectedResource: { S3Bucket: { BucketName: { Ref: quarantine() } } },
      Actions: { Tagging: { Status: 'ENABLED' } },
      Role: { 'Fn::GetAtt': [logicalId(dev.stack.attachments.scannerRole), 'Arn'] },
    });
    dev.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' } })],
      },
    });
  });

  it('its scan results reach the verdict worker through an EventBridge rule', () => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Malware Protection Object Scan Result'],
        detail: { s3ObjectDetails: { bucketName: [{ Ref: logicalId(dev.stack.attachments.quarantine) }] } },
      },
      // Through the live alias (issue 25, point 6).
      Targets: [Match.objectLike({ Arn: { Ref: dev.stack.getLogicalId(dev.stack.releases.aliasOf(dev.stack.functions.byName('attachmentVerdict')).node.defaultChild as never) } })],
    });
  });
});
