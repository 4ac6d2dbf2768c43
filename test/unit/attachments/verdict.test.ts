import { describe, expect, it } from '@jest/globals';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AttachmentStore, AttachmentStatus, RejectionReason, Ticket } from '#lib/attachments/store.ts';
import { createAttachmentVerdict } from '../../../functions/attachmentVerdict/attachmentVerdict.ts';

const ID = '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7';

function harness(leading: Buffer, status: AttachmentStatus = 'awaiting-upload') {
  const ticket = { attachmentId: ID, mediaType: 'application/pdf', status } as Ticket;
  const calls: string[] = [];
  const transitions: [AttachmentStatus, RejectionReason | undefined][] = [];
  const attachments = {
    get: async () => ticket,
    transition: async (_id: string, from: readonly AttachmentStatus[], to: AttachmentStatus, reason?: RejectionReason) => {
      if (!from.includes(ticket.status)) return false;
      ticket.status = to;
      transitions.push([to, reason]);
      return true;
    },
  } as unknown as AttachmentStore;
  const s3 = {
    send: async (command: unknown) => {
      if (command instanceof GetObjectCommand) {
        calls.push(`get ${command.input.Range}`);
        return { Body: { transformToByteArray: async () => new Uint8Array(leading) } };
      }
      if (command instanceof CopyObjectCommand) {
        calls.push(`copy ${command.input.CopySource} -> ${command.input.Bucket}/${command.input.Key} tags ${command.input.TaggingDirective} ${command.input.Tagging}`);
      }
      if (command instanceof DeleteObjectCommand) calls.push(`delete ${command.input.Bucket}/${command.input.Key}`);
      return {};
    },
  } as unknown as S3Client;
  const verdict = createAttachmentVerdict({ attachments, s3, quarantineBucket: 'q', vaultBucket: 'v' });
  return { verdict, calls, transitions, ticket };
}

const event = (result: string, bucket = 'q', key = ID) => ({
  source: 'aws.guardduty',
  'detail-type': 'GuardDuty Malware Protection Object Scan Result',
  detail: { scanStatus: 'COMPLETED', resourceType: 'S3_OBJECT', s3ObjectDetails: { bucketName: bucket, objectKey: key }, scanResultDetails: { scanResultStatus: result } },
});

describe('the verdict on an uploaded file', () => {
  it('copies a clean file whose bytes fit its type into the vault, tagged unbound, before it says clean, then empties quarantine', async () => {
    const { verdict, calls, transitions } = harness(Buffer.from('%PDF-1.4'));
    expect(await verdict(event('NO_THREATS_FOUND'))).toEqual({ status: 'clean' });
    expect(calls).toEqual(['get bytes=0-7', `copy q/${ID} -> v/${ID} tags REPLACE binding=unbound`, `delete q/${ID}`]);
    expect(transitions).toEqual([
      ['scanning', undefined],
      ['clean', undefined],
    ]);
  });

  it('rejects malware without reading or copying it', async () => {
    const { verdict, calls, transitions } = harness(Buffer.from('%PDF-1.4'));
    expect(await verdict(event('THREATS_FOUND'))).toEqual({ status: 'rejected', reason: 'malware' });
    expect(calls).toEqual([`delete q/${ID}`]);
    expect(transitions).toEqual([['rejected', 'malware']]);
  });

  it('rejects a file whose leading bytes contradict its type, never copying it', async () => {
    const { verdict, calls } = harness(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await verdict(event('NO_THREATS_FOUND'))).toEqual({ status: 'rejected', reason: 'type-mismatch' });
    expect(calls.some((call) => call.startsWith('copy'))).toBe(false);
  });

  it('throws when the scan did not complete, so that it is retried', async () => {
    const { verdict, transitions } = harness(Buffer.from('%PDF-1.4'));
    await expect(verdict(event('FAILED'))).rejects.toThrow('did not complete');
    expect(transitions).toEqual([]);
  });

  it('a redelivered result changes no recorded verdict, but removes an upload left in quarantine', async () => {
    const recorded = harness(Buffer.from('%PDF-1.4'), 'clean');
    expect(await recorded.verdict(event('THREATS_FOUND'))).toMatchObject({ status: 'ignored' });
    expect(recorded.transitions).toEqual([]);
    expect(recorded.calls).toEqual([`delete q/${ID}`]);
  });

  it('changes nothing for another bucket or a key that is no attachment id', async () => {
    const other = harness(Buffer.from('%PDF-1.4'));
    expect(await other.verdict(event('NO_THREATS_FOUND', 'elsewhere'))).toMatchObject({ status: 'ignored' });
    expect(await other.verdict(event('NO_THREATS_FOUND', 'q', 'malware-protection-resource-validation-object'))).toMatchObject({ status: 'ignored' });
    expect(other.calls).toEqual([]);
  });

  it('refuses an event of another shape', async () => {
    const { verdict } = harness(Buffer.from('%PDF-1.4'));
    await expect(verdict({ source: 'aws.s3', detail: {} })).rejects.toThrow();
  });
});
