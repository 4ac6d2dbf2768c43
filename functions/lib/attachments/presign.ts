import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { objectKeyOf } from './upload.ts';

/**
 * Presigned URLs: only the ticket and the download functions import this (and with it the
 * presigner), so no other bundle carries it.
 */

export interface UploadSpec {
  bucket: string;
  attachmentId: string;
  mediaType: string;
  size: number;
  /** Base64 SHA-256 of the bytes, as the citizen declared it. */
  sha256: string;
  expiresInSeconds: number;
}

/**
 * A PUT that storage accepts only with exactly this length, type and checksum, and only if no
 * object exists under the key yet (`If-None-Match: *`): every one of these headers is signed.
 */
export async function presignUpload(s3: S3Client, spec: UploadSpec): Promise<{ url: string; headers: Record<string, string> }> {
  const headers: Record<string, string> = {
    'content-type': spec.mediaType,
    'content-length': String(spec.size),
    'x-amz-checksum-sha256': spec.sha256,
    'x-amz-sdk-checksum-algorithm': 'SHA256',
    'if-none-match': '*',
  };
  const command = new PutObjectCommand({
    Bucket: spec.bucket,
    Key: objectKeyOf(spec.attachmentId),
    ContentType: spec.mediaType,
    ContentLength: spec.size,
    ChecksumAlgorithm: 'SHA256',
    ChecksumSHA256: spec.sha256,
    IfNoneMatch: '*',
  });
  const url = await getSignedUrl(s3, command, {
    expiresIn: spec.expiresInSeconds,
    // Sign the headers, never hoist them into the query string: a header in the query would be
    // a value the client could leave out.
    signableHeaders: new Set(Object.keys(headers)),
    unhoistableHeaders: new Set(Object.keys(headers)),
  });
  return { url, headers };
}

/** A GET of a vault object, valid for `expiresInSeconds`. */
export async function presignDownload(s3: S3Client, bucket: string, attachmentId: string, expiresInSeconds: number): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: objectKeyOf(attachmentId) }), { expiresIn: expiresInSeconds });
}
