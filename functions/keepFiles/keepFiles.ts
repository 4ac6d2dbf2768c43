import { PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import { RETENTION_TAG, retentionClassOf } from '#lib/attachments/retention.ts';
import { BINDING_BOUND, BINDING_TAG, objectKeyOf } from '#lib/attachments/upload.ts';
import { caseIdOfPartition } from '#lib/cases/items.ts';
import { FILE_PREFIX } from '#lib/cases/tables.ts';

export interface KeepFilesDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly vaultBucket: string;
  /** The administration's retention classes (retention.ts `retentionClassesOf`), as the vault's lifecycle has them. */
  readonly retentionClasses: readonly number[];
  /** A bound file is not in the vault: nothing to keep, and an alarm's business (metrics.ts). */
  readonly missing: (fields: { attachmentId: string; caseId: string }) => void;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

export interface BoundFile {
  attachmentId: string;
  caseId: string;
  /** The case's expiry (epoch seconds, the file item's TTL), when the item has one. */
  expiresAt?: number;
  /** When it was bound (epoch seconds): the stream record's creation time. */
  boundAt?: number;
}

/** The attachment a stream record binds: a new file item in a case's partition, else undefined. */
export function boundFileOf(record: DynamoDBRecord): BoundFile | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image?.sk?.S?.startsWith(FILE_PREFIX)) return undefined;
  const attachmentId = image.attachmentId?.S ?? '';
  if (!ATTACHMENT_ID.test(attachmentId)) return undefined;
  const caseId = caseIdOfPartition(image.pk?.S);
  if (caseId === undefined) return undefined;
  const expiresAt = Number(image.expiresAt?.N);
  // Epoch seconds in Lambda's event. Anything else (a Date, milliseconds) would put the file in a
  // class below its case's life, so the file would go first: then the binding's time is now.
  const created: unknown = record.dynamodb?.ApproximateCreationDateTime;
  const boundAt = typeof created === 'number' && Number.isFinite(created) && created < 1e11 ? created : undefined;
  return { attachmentId, caseId, ...(Number.isSafeInteger(expiresAt) ? { expiresAt } : {}), ...(boundAt === undefined ? {} : { boundAt }) };
}

/** The file's tags once bound: `binding=bound`, and its retention class when it has one. */
function boundTags(file: BoundFile, classes: readonly number[]) {
  const retention = file.expiresAt === undefined ? undefined : retentionClassOf(classes, file.expiresAt, file.boundAt ?? Math.floor(Date.now() / 1000));
  return [{ Key: BINDING_TAG, Value: BINDING_BOUND }, ...(retention === undefined ? [] : [{ Key: RETENTION_TAG, Value: String(retention) }])];
}

/**
 * The cases table's stream, filtered to the file items a submission writes when it binds
 * attachments: each bound file is re-tagged `binding=bound` in the vault, so that the lifecycle
 * rule for unbound files (infra/constructs/attachments.ts) no longer applies to it, and with its
 * retention class (retention.ts), whose rule removes it shortly after its case has expired. Tagging is idempotent, so records
 * handed in again are harmless. A failed tagging is reported as a batch item failure and comes
 * again (the stream keeps it 24 hours; the binding margin of upload.ts keeps the lifecycle an hour
 * away at least). A file that is not in the vault cannot be kept: counted and logged, not
 * retried, so that it does not hold up the bindings behind it in the shard.
 */
export function createKeepFiles(deps: KeepFilesDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const outcomes = await Promise.all(
      event.Records.map(async (record) => {
        const found = boundFileOf(record);
        if (!found) return undefined;
        const file = { attachmentId: found.attachmentId, caseId: found.caseId };
        try {
          await deps.s3.send(
            new PutObjectTaggingCommand({
              Bucket: deps.vaultBucket,
              Key: objectKeyOf(file.attachmentId),
              Tagging: { TagSet: boundTags(found, deps.retentionClasses) },
            }),
          );
          return undefined;
        } catch (error) {
          if (error instanceof Error && error.name === 'NoSuchKey') {
            deps.missing(file);
            return undefined;
          }
          deps.warn('keeping a bound file failed', { ...file, error: error instanceof Error ? error.name : typeof error });
          return record.dynamodb?.SequenceNumber ?? '';
        }
      }),
    );
    return { batchItemFailures: outcomes.flatMap((sequence) => (sequence === undefined ? [] : [{ itemIdentifier: sequence }])) };
  };
}
