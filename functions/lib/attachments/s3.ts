import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { boundedByDeadline } from '#lib/runtime/deadline.ts';

/**
 * The S3 client of the functions that touch a bucket (its own module, so that no other bundle
 * ships the S3 SDK). The endpoint comes from AWS_ENDPOINT_URL_S3 (set only by the local stack);
 * path-style addressing works on AWS and on a loopback store alike. Checksums are computed and
 * validated only where an operation requires them: the presigned PUT carries the citizen's own.
 */
export const S3_CLIENT_SETTINGS = {
  maxAttempts: 3,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  requestHandler: { connectionTimeout: 500, requestTimeout: 3_000, throwOnRequestTimeout: true },
} as const satisfies S3ClientConfig;

export const s3 = /* @__PURE__ */ boundedByDeadline(/* @__PURE__ */ new S3Client({ ...S3_CLIENT_SETTINGS }));
