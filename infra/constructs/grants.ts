import * as iam from 'aws-cdk-lib/aws-iam';
import { CASE_CONTEXT_KEYS, CASE_PURPOSE } from '#lib/crypto/envelope.ts';
import { ATTACHMENT_CONTEXT_KEYS, ATTACHMENT_PURPOSE } from '#lib/attachments/sealing.ts';
import { CONFIRMATION_CLAIM_ATTRIBUTES } from '#lib/status/confirmationClaim.ts';
import { MESSAGE_CONTEXT_KEYS, MESSAGE_PURPOSE } from '#lib/messages/sealing.ts';
import { BUCKET_NEEDS, QUEUE_NEEDS, TABLE_NEEDS, type BucketNeed, type Needs, type QueueNeed, type TableNeed } from '#lib/runtime/needs.ts';

/**
 * Encryption-context keys of case envelopes (functions/lib/crypto/envelope.ts `kmsContext`): every
 * one is required, no other is allowed, and `purpose` must be CASE_CONTEXT_PURPOSE.
 */
export { CASE_CONTEXT_KEYS };
export const CASE_CONTEXT_PURPOSE = CASE_PURPOSE;

export interface TableTarget {
  readonly tableArn: string;
  /** Index ARNs, named one by one, that Query on the table includes (for the cases table: the function's `caseIndexes`). */
  readonly indexArns: readonly string[];
}

export interface GrantTargets {
  readonly region: string;
  readonly tables: Readonly<Record<TableNeed, TableTarget>>;
  readonly caseKeyArn: string;
  readonly dataKeyArn: string;
  readonly secretArn: string;
  readonly queueArns: Readonly<Record<QueueNeed, string>>;
  readonly logGroupArn: string;
  /** Bucket ARNs of the attachment buckets (infra/constructs/attachments.ts). */
  readonly buckets: Readonly<Record<BucketNeed, string>>;
  /** The confirmation mail's sender identity and configuration set (mail.ts). */
  readonly mail: { readonly identityArn: string; readonly configurationSetArn: string; readonly fromAddress: string };
  /** The delivery destinations' signing secrets (infra/constructs/delivery.ts). */
  readonly destinationSecretArns?: readonly string[];
  /** The deliveries' dead-letter queue. */
  readonly deliveriesDeadLetterQueueArn?: string;
  /** The audit key, the checkpoint objects and the events table's time index (infra/constructs/audit.ts). */
  readonly audit?: { readonly keyArn: string; readonly checkpointObjectsArn: string; readonly bucketArn: string; readonly timeIndexArn: string };
  /** The secret of BundID's service-provider signing key (stage `bundid.sp.keySecretName`). */
  readonly bundidKeySecretArn?: string;
}

/** What uses the at-rest key's material: denied to function roles unless a service makes the call (kms:ViaService). */
export const DATA_KEY_MATERIAL = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:CreateGrant',
] as const;

/** An IAM resource pattern matching exactly the object keys of attachments (attachment ids). */
export const OBJECT_KEY_PATTERN = '?'.repeat(26);

/** The only attributes the delivery role may write on a case item (functions/lib/delivery/state.ts), besides its key. */
export const DELIVERY_WRITABLE_ATTRIBUTES = ['pk', 'sk', 'delivery', 'deliveryId'] as const;

/** The only attributes the confirmation role may write on a case item (functions/lib/status/confirmationClaim.ts), besides its key. */
export const CONFIRMATION_WRITABLE_ATTRIBUTES = ['pk', 'sk', ...CONFIRMATION_CLAIM_ATTRIBUTES] as const;

const capitalized = (name: string): string => `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
const sidOf = (need: TableNeed): string => `${capitalized(need)}Table`;

/** DynamoDB actions that change items: DynamoDB then also encrypts with the table's key. */
const WRITES = new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem']);

/**
 * Turns a function's `needs` into the exact IAM statements of its function's role. Nothing else is
 * granted (X-Ray tracing is added by the Lambda construct itself). Each statement names its
 * resources; no action contains a wildcard.
 */
export function statementsFor(needs: Needs, targets: GrantTargets): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [targets.logGroupArn],
    }),
  ];

  // The case key, each use with its own encryption context: case data, attachment metadata, messages.
  const keyUses = [
    { sid: 'CaseKeyWithCaseContextOnly', actions: needs.caseKey ?? [], keys: CASE_CONTEXT_KEYS, purpose: CASE_CONTEXT_PURPOSE },
    { sid: 'CaseKeyWithAttachmentContextOnly', actions: needs.attachmentKey ?? [], keys: ATTACHMENT_CONTEXT_KEYS, purpose: ATTACHMENT_PURPOSE },
    { sid: 'CaseKeyWithMessageContextOnly', actions: needs.messageKey ?? [], keys: MESSAGE_CONTEXT_KEYS, purpose: MESSAGE_PURPOSE },
  ];
  for (const use of keyUses.filter((candidate) => candidate.actions.length > 0)) {
    statements.push(
      new iam.PolicyStatement({
        sid: use.sid,
        actions: [...use.actions],
        resources: [targets.caseKeyArn],
        conditions: {
          // ForAllValues allows no other key but is satisfied by an empty context: the Null
          // checks make each key required, and the purpose is pinned by value.
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...use.keys] },
          Null: Object.fromEntries(use.keys.map((key) => [`kms:EncryptionContext:${key}`, 'false'])),
          StringEquals: { 'kms:EncryptionContext:purpose': use.purpose },
        },
      }),
    );
  }

  const casePartitions = needs.casePartitions ?? [];
  if (casePartitions.length > 0) {
    // By key only: the table, never an index; reference claims and case partitions, nothing else.
    statements.push(
      new iam.PolicyStatement({
        sid: 'CasePartitionsByKey',
        actions: [...casePartitions],
        resources: [targets.tables.cases.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*', 'REF#*'] } },
      }),
    );
  }

  const bucketActions: string[] = [];
  for (const need of BUCKET_NEEDS) {
    const actions = needs[need] ?? [];
    if (actions.length === 0) continue;
    bucketActions.push(...actions);
    const sid = `${need[0]?.toUpperCase() ?? ''}${need.slice(1)}Objects`;
    // Object keys are attachment ids (ULIDs, 26 characters): `?` matches one character each, so
    // the grant covers exactly the keys the backend writes and needs no `*`.
    statements.push(new iam.PolicyStatement({ sid, actions: [...actions], resources: [`${targets.buckets[need]}/${OBJECT_KEY_PATTERN}`] }));
  }
  // Tags and deletions touch no object data: only reads and writes need the bucket's key.
  if (bucketActions.includes('s3:GetObject') || bucketActions.includes('s3:PutObject')) {
    // SSE-KMS with the at-rest key: S3 generates (on writes) and decrypts (on reads, copies) data
    // keys with the caller's rights, only through S3.
    const writes = bucketActions.includes('s3:PutObject');
    statements.push(
      new iam.PolicyStatement({
        sid: 'DataKeyViaS3',
        actions: writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [targets.dataKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${targets.region}.amazonaws.com` } },
      }),
    );
  }

  for (const need of TABLE_NEEDS) {
    const actions = needs[need] ?? [];
    if (actions.length === 0) continue;
    const table = targets.tables[need];
    statements.push(new iam.PolicyStatement({ sid: sidOf(need), actions: [...actions], resources: [table.tableArn] }));
    if ((actions as readonly string[]).includes('dynamodb:Query') && table.indexArns.length > 0) {
      statements.push(
        new iam.PolicyStatement({ sid: `${sidOf(need)}Indexes`, actions: ['dynamodb:Query'], resources: [...table.indexArns] }),
      );
    }
  }

  if (needs.caseDelivery) {
    const cases = targets.tables.cases.tableArn;
    statements.push(
      // A case by its id (its partition: the case item and its notes), never a list index, never a reference claim.
      new iam.PolicyStatement({
        sid: 'DeliveryReadsCasesById',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [cases],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*'] } },
      }),
      // Its delivery state and nothing else.
      new iam.PolicyStatement({
        sid: 'DeliveryWritesDeliveryStateOnly',
        actions: ['dynamodb:UpdateItem'],
        resources: [cases],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...DELIVERY_WRITABLE_ATTRIBUTES] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*'] },
        },
      }),
    );
  }

  if (needs.caseConfirmation) {
    // The claim on its confirmation mail and nothing else, on case items only.
    statements.push(
      new iam.PolicyStatement({
        sid: 'ConfirmationWritesClaimOnly',
        actions: ['dynamodb:UpdateItem'],
        resources: [targets.tables.cases.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...CONFIRMATION_WRITABLE_ATTRIBUTES] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*'] },
        },
      }),
    );
  }

  const tableActions: string[] = [
    ...TABLE_NEEDS.flatMap((need) => needs[need] ?? []),
    ...casePartitions,
    ...(needs.caseDelivery || needs.caseConfirmation ? ['dynamodb:UpdateItem'] : []),
  ];
  if (tableActions.length > 0) {
    // DynamoDB uses the at-rest key with the caller's rights: decrypting the table key on every
    // access, encrypting on writes. Only through DynamoDB, never as a direct KMS call.
    const writes = tableActions.some((action) => WRITES.has(action));
    statements.push(
      new iam.PolicyStatement({
        sid: 'DataKeyViaDynamoDB',
        actions: writes ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [targets.dataKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${targets.region}.amazonaws.com` } },
      }),
    );
  }

  if (needs.hmacSecret) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadHmacSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [targets.secretArn],
      }),
      new iam.PolicyStatement({
        sid: 'DataKeyViaSecretsManager',
        actions: ['kms:Decrypt'],
        resources: [targets.dataKeyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${targets.region}.amazonaws.com`,
            'kms:EncryptionContext:SecretARN': targets.secretArn,
          },
        },
      }),
    );
  }

  const destinationSecrets = targets.destinationSecretArns ?? [];
  if (needs.destinations && destinationSecrets.length > 0) {
    statements.push(
      new iam.PolicyStatement({ sid: 'ReadDestinationSigningSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...destinationSecrets] }),
      new iam.PolicyStatement({
        sid: 'DataKeyViaSecretsManagerForDestinations',
        actions: ['kms:Decrypt'],
        resources: [targets.dataKeyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${targets.region}.amazonaws.com`,
            'kms:EncryptionContext:SecretARN': [...destinationSecrets],
          },
        },
      }),
    );
  }

  if (needs.bundidKey && targets.bundidKeySecretArn) {
    // The operator creates this secret (docs/deploy.md) under Secrets Manager's AWS-managed key,
    // whose policy lets the account's principals decrypt through Secrets Manager: no KMS grant here.
    statements.push(
      new iam.PolicyStatement({ sid: 'ReadBundidSigningKey', actions: ['secretsmanager:GetSecretValue'], resources: [targets.bundidKeySecretArn] }),
    );
  }

  if ((needs.deliveriesDeadLetters ?? []).length > 0 && targets.deliveriesDeadLetterQueueArn) {
    statements.push(
      new iam.PolicyStatement({ sid: 'DeliveriesDeadLetterQueue', actions: [...(needs.deliveriesDeadLetters ?? [])], resources: [targets.deliveriesDeadLetterQueueArn] }),
    );
  }

  for (const need of QUEUE_NEEDS) {
    const actions = needs[need] ?? [];
    if (actions.length === 0) continue;
    statements.push(
      new iam.PolicyStatement({ sid: `${capitalized(need)}Queue`, actions: [...actions], resources: [targets.queueArns[need]] }),
    );
  }

  if (needs.confirmationMail) {
    // SES v2 authorises SendEmail on the identity and on the configuration set named in the call.
    statements.push(
      new iam.PolicyStatement({
        sid: 'SendConfirmationMail',
        actions: ['ses:SendEmail'],
        resources: [targets.mail.identityArn, targets.mail.configurationSetArn],
        // Only from the stage's sender address, whatever else the identity (a domain) would allow.
        conditions: { StringEquals: { 'ses:FromAddress': targets.mail.fromAddress } },
      }),
    );
  }

  // The at-rest key only ever through a service (DynamoDB, its streams, S3, Secrets Manager): a
  // direct call carries no kms:ViaService and is denied, whatever a grant added by a construct (a
  // stream's read grant names the table's key without a condition) allows.
  statements.push(
    new iam.PolicyStatement({
      sid: 'DataKeyOnlyThroughServices',
      effect: iam.Effect.DENY,
      actions: [...DATA_KEY_MATERIAL],
      resources: [targets.dataKeyArn],
      conditions: { Null: { 'kms:ViaService': 'true' } },
    }),
  );
  if (needs.uploadWatch) {
    // The quarantine's keys and times: listing reads no object, so it needs neither the bucket's key nor GetObject.
    statements.push(new iam.PolicyStatement({ sid: 'ListQuarantine', actions: ['s3:ListBucket'], resources: [targets.buckets.quarantine] }));
  }
  if (needs.auditCheckpoints && targets.audit) {
    const { keyArn, checkpointObjectsArn, bucketArn, timeIndexArn } = targets.audit;
    statements.push(
      new iam.PolicyStatement({ sid: 'SignCheckpoints', actions: ['kms:Sign'], resources: [keyArn] }),
      // The time index only: the worker never reads a case's events by case.
      new iam.PolicyStatement({ sid: 'EventsByTime', actions: ['dynamodb:Query'], resources: [timeIndexArn] }),
      new iam.PolicyStatement({
        sid: 'DataKeyViaDynamoDBForEventsByTime',
        actions: ['kms:Decrypt'],
        resources: [targets.dataKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${targets.region}.amazonaws.com` } },
      }),
      // Create-only writes (the bucket policy refuses any other) and reading back the latest.
      new iam.PolicyStatement({ sid: 'WriteCheckpoints', actions: ['s3:PutObject', 's3:GetObject'], resources: [checkpointObjectsArn] }),
      // The worker finds checkpoints by name, never lists; without ListBucket, S3 would answer a
      // name not (yet) taken with 403 instead of 404.
      new iam.PolicyStatement({ sid: 'ListCheckpoints', actions: ['s3:ListBucket'], resources: [bucketArn] }),
    );
  }

  return statements;
}
