import { PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ATTACHMENT_ID } from '#lib/attachments/fields.ts';
import { BINDING_BOUND, BINDING_TAG, objectKeyOf } from '#lib/attachments/upload.ts';
import { caseIdOfPartition } from '#lib/cases/items.ts';
import { FILE_PREFIX } from '#lib/cases/tables.ts';

export interface KeepFilesDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly vaultBucket: string;
  /** A bound file is not in the vault: nothing to keep, and an alarm's business (metrics.ts). */
  readonly missing: (fields: { attachmentId: string; caseId: string }) => void;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

/** The attachment a stream record binds: a new file item in a case's partition, else undefined. */
export function boundFileOf(record: DynamoDBRecord): { attachmentId: string; caseId: string } | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image?.sk?.S?.startsWith(FILE_PREFIX)) return undefined;
  const attachmentId = image.attachmentId?.S ?? '';
  if (!ATTACHMENT_ID.test(attachmentId)) return undefined;
  const caseId = caseIdOfPartition(image.pk?.S);
  return caseId === undefined ? undefined : { attachmentId, caseId };
}

/**
 * The cases table's stream, filtered to the file items a submission writes when it binds
 * attachments: each bound file is re-tagged `binding=bound` in the vault, so that the lifecycle
 * rule for unbound files (infra/constructs/attachments.ts) no longer applies to it; it stays
 * until the vault's retention rule, after its case has expired. Tagging is idempotent, so records
 * handed in again are harmless. A failed tagging is reported as a batch item failure and comes
 * again (the stream keeps it 24 hours; the binding margin of upload.ts keeps the lifecycle an hour
 * away at least). A file that is not in the vault cannot be kept: counted and logged, not
 * retried, so that it does not hold up the bindings behind it in the shard.
 */
export function createKeepFiles(deps: KeepFilesDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const outcomes = await Promise.all(
      event.Records.map(async (record) => {
        const file = boundFileOf(record);
        if (!file) return undefined;
        try {
          await deps.s3.send(
            new PutObjectTaggingCommand({
              Bucket: deps.vaultBucket,
              Key: objectKeyOf(file.attachmentId),
              Tagging: { TagSet: [{ Key: BINDING_TAG, Value: BINDING_BOUND }] },
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
