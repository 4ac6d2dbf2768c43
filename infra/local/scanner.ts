import type { LocalEventBus } from './rules.ts';

/**
 * The local stand-in for GuardDuty Malware Protection for S3: it scans every object created in the
 * protected bucket and puts GuardDuty's "Object Scan Result" event on the bus, in the shape
 * GuardDuty sends it. Its one signature is the EICAR test file (THREATS_FOUND); everything else is
 * NO_THREATS_FOUND. Whether the leading bytes fit the declared type is the verdict worker's check,
 * the same code in AWS and here, so a PNG declared as PDF ends `type-mismatch` in both.
 */

/** The 68 bytes of the EICAR anti-malware test file. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export const SCAN_RESULT_DETAIL_TYPE = 'GuardDuty Malware Protection Object Scan Result';

export function createScanner(options: { bus: LocalEventBus; protectedBucket: string; region: string }) {
  return async (bucket: string, key: string, read: () => Promise<Buffer>): Promise<void> => {
    if (bucket !== options.protectedBucket) return;
    const bytes = await read();
    const infected = bytes.includes(Buffer.from(EICAR, 'latin1'));
    options.bus.put({
      source: 'aws.guardduty',
      'detail-type': SCAN_RESULT_DETAIL_TYPE,
      resources: [`arn:aws:guardduty:${options.region}:000000000000:malware-protection-plan/local`],
      detail: {
        schemaVersion: '1.0',
        scanStatus: 'COMPLETED',
        resourceType: 'S3_OBJECT',
        s3ObjectDetails: { bucketName: bucket, objectKey: key, s3Throttled: false },
        scanResultDetails: {
          scanResultStatus: infected ? 'THREATS_FOUND' : 'NO_THREATS_FOUND',
          threats: infected ? [{ name: 'EICAR-Test-File (not a virus)' }] : null,
        },
      },
    });
  };
}
