import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadOrCreateCredentials } from '../../infra/local/credentials.ts';
import { LOCAL_BUCKETS, startLocalS3, type LocalS3 } from '../../infra/local/s3.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

// S3 decides a create-only PUT (`If-None-Match: *`) atomically: of racing writes of one key, one
// wins and the others get 412, and the object is the winner's. The local store must too: the
// checkpoint worker's duplicate runs race like that (before, two writes both passed the check, and
// the checksum of one was compared with the other's bytes: BadDigest, and the object deleted).
let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  const dataDir = tempDir('egov-s3-');
  const credentials = loadOrCreateCredentials(dataDir);
  s3 = await startLocalS3({ dataDir, credentials });
  client = new S3Client({ endpoint: s3.endpoint, region: 'eu-central-1', credentials, forcePathStyle: true });
});

afterAll(async () => {
  client.destroy();
  await s3.stop();
  removeTempDirs();
});

describe('the local S3 store', () => {
  it('lets exactly one of racing create-only writes of one key win, and keeps its bytes', async () => {
    for (const round of [1, 2, 3]) {
      const key = `race-${round}`;
      const bodies = Array.from({ length: 8 }, (_, index) => JSON.stringify({ round, writer: index, padding: 'x'.repeat(2_000 + index * 97) }));
      const outcomes = await Promise.all(
        bodies.map((body) =>
          client
            .send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.checkpoints, Key: key, Body: body, IfNoneMatch: '*', ChecksumAlgorithm: 'SHA256' }))
            .then(() => 'written' as const)
            .catch((error: Error) => error.name),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === 'written')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome !== 'written')).toEqual(Array.from({ length: 7 }, () => 'PreconditionFailed'));
      const stored = await (await client.send(new GetObjectCommand({ Bucket: LOCAL_BUCKETS.checkpoints, Key: key }))).Body!.transformToString();
      expect(stored).toBe(bodies[outcomes.indexOf('written')]);
    }
  });
});
