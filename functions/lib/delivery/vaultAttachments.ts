import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KMSClient } from '@aws-sdk/client-kms';
import { openCaseFiles } from '#lib/attachments/caseMetadata.ts';
import { objectKeyOf } from '#lib/attachments/upload.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import type { AttachmentSource } from './payload.ts';

export interface VaultAttachmentsDeps {
  kms: KMSClient;
  /** The key of the attachment metadata (the case key, attachment context). */
  attachmentKeyId: string;
  s3: Pick<S3Client, 'send'>;
  vaultBucket: string;
}

/**
 * The case's files for its delivery: the file items the case load returned (same partition, same
 * Query) are opened as getCase opens them (one KMS Decrypt each, attachment context; any bad item
 * fails the whole case), then each file's bytes are read from the vault. Bytes whose size or
 * SHA-256 differ from what the citizen declared are an integrity error: nothing is delivered that
 * the receiver would have to refuse. Files are read one after another, so that the bytes of a
 * submission (≤ 50 MiB) are held once and no more than one download runs per delivery.
 */
export function createVaultAttachments(deps: VaultAttachmentsDeps): AttachmentSource {
  return async (summary, files) => {
    if (files.length === 0) return [];
    return withContents(deps, summary.caseId, await openCaseFiles(deps.kms, deps.attachmentKeyId, summary, files));
  };
}

/**
 * Files whose metadata is known (a case's, opened above; a message's, sealed inside it) with their
 * bytes from the vault, one after another, each checked against its declared size and SHA-256.
 */
export async function withContents<T extends { attachmentId: string; size: number; sha256: string }>(
  deps: Pick<VaultAttachmentsDeps, 's3' | 'vaultBucket'>,
  caseId: string,
  files: readonly T[],
): Promise<(T & { content: string })[]> {
  const delivered: (T & { content: string })[] = [];
  for (const file of files) {
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.vaultBucket, Key: objectKeyOf(file.attachmentId) }));
    if (!object.Body) throw new IntegrityError('attachment without content', caseId);
    const bytes = Buffer.from(await object.Body.transformToByteArray());
    if (bytes.length !== file.size || createHash('sha256').update(bytes).digest('base64') !== file.sha256) {
      throw new IntegrityError('attachment bytes differ from their checksum', caseId);
    }
    delivered.push({ ...file, content: bytes.toString('base64') });
  }
  return delivered;
}
