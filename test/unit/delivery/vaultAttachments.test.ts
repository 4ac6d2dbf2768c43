import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { caseFilePut } from '#lib/attachments/caseFiles.ts';
import { sealMeta } from '#lib/attachments/sealing.ts';
import type { Ticket } from '#lib/attachments/store.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { createVaultAttachments } from '#lib/delivery/vaultAttachments.ts';
import { startLocalKms, type LocalKms } from '../../../infra/local/kms.ts';

let localKms: LocalKms;
let kms: KMSClient;
let dir: string;
const summary = { caseId: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E6', formId: 'fischereischein', office: 'ordnungsamt' } as const;
const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-vault-files-'));
  localKms = await startLocalKms({ dataDir: dir, port: 0 });
  kms = new KMSClient({ region: 'eu-central-1', endpoint: localKms.url, credentials: localKms.credentials, maxAttempts: 1 });
});

afterAll(async () => {
  kms.destroy();
  await localKms.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The file item the submit transaction would write for a bound ticket. */
async function fileItem(attachmentId: string, fileName: string, bytes: Buffer, over: Partial<Ticket> = {}): Promise<Record<string, AttributeValue>> {
  const context = { attachmentId, formId: summary.formId, office: summary.office };
  const meta = await sealMeta(kms, localKms.keyArn, context, { fileName, sha256: sha256Of(bytes) });
  const ticket: Ticket = {
    ...context,
    formVersion: 3,
    field: '/documents/0',
    mediaType: 'application/pdf',
    size: bytes.length,
    meta,
    status: 'clean',
    createdAt: '2026-11-30T06:00:00.000Z',
    expiresAt: 1_900_000_000,
    ...over,
  };
  return caseFilePut('cases', summary.caseId, ticket, 1_900_000_000).Put!.Item!;
}

/** A vault of these objects, recording what was asked of it. */
function vault(objects: Record<string, Buffer>) {
  const asked: { bucket: string | undefined; key: string | undefined }[] = [];
  return {
    asked,
    s3: {
      send: async (command: unknown) => {
        if (!(command instanceof GetObjectCommand)) throw new Error('unexpected command');
        asked.push({ bucket: command.input.Bucket, key: command.input.Key });
        const bytes = objects[command.input.Key ?? ''];
        if (!bytes) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
        return { Body: { transformToByteArray: async () => new Uint8Array(bytes) } };
      },
    } as never,
  };
}

const A = '01JDZ8Q6W4X3Y2Z1A0B9C8D7F0';
const B = '01JDZ8Q6W4X3Y2Z1A0B9C8D7F1';

describe('the case files of a delivery, from the vault', () => {
  it('opens each file name and reads each file from the vault bucket, base64 in the payload', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300)]);
    const png = randomBytes(120);
    const { s3, asked } = vault({ [A]: pdf, [B]: png });
    const source = createVaultAttachments({ kms, attachmentKeyId: localKms.keyArn, s3, vaultBucket: 'egov-forms-vault' });
    const files = await source(summary as never, [await fileItem(A, 'Lichtbild – Erika.pdf', pdf), await fileItem(B, 'scan.png', png, { mediaType: 'image/png', field: '/documents/1' })]);
    expect(files).toEqual([
      { attachmentId: A, field: '/documents/0', fileName: 'Lichtbild – Erika.pdf', mediaType: 'application/pdf', size: pdf.length, sha256: sha256Of(pdf), content: pdf.toString('base64') },
      { attachmentId: B, field: '/documents/1', fileName: 'scan.png', mediaType: 'image/png', size: png.length, sha256: sha256Of(png), content: png.toString('base64') },
    ]);
    expect(Buffer.from(files[0]!.content, 'base64').equals(pdf)).toBe(true);
    expect(asked).toEqual([
      { bucket: 'egov-forms-vault', key: A },
      { bucket: 'egov-forms-vault', key: B },
    ]);
  });

  it('asks nothing of KMS or the vault for a case without files', async () => {
    const { s3, asked } = vault({});
    expect(await createVaultAttachments({ kms: undefined as never, attachmentKeyId: 'k', s3, vaultBucket: 'v' })(summary as never, [])).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('refuses bytes that differ from the sealed checksum or the size (an integrity error, nothing delivered)', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(64)]);
    const swapped = Buffer.from(pdf);
    swapped[20] = swapped[20]! ^ 0xff;
    const item = await fileItem(A, 'a.pdf', pdf);
    const source = (bytes: Buffer) => createVaultAttachments({ kms, attachmentKeyId: localKms.keyArn, s3: vault({ [A]: bytes }).s3, vaultBucket: 'v' });
    await expect(source(swapped)(summary as never, [item])).rejects.toThrow(IntegrityError);
    await expect(source(pdf.subarray(0, pdf.length - 1))(summary as never, [item])).rejects.toThrow(IntegrityError);
    await expect(source(pdf)(summary as never, [item])).resolves.toHaveLength(1);
  });

  it('refuses a file item of another office, and a file missing from the vault', async () => {
    const pdf = Buffer.from('%PDF-1.7\nx');
    const elsewhere = await fileItem(A, 'a.pdf', pdf, { office: 'jugendamt' });
    const source = createVaultAttachments({ kms, attachmentKeyId: localKms.keyArn, s3: vault({ [A]: pdf }).s3, vaultBucket: 'v' });
    await expect(source(summary as never, [elsewhere])).rejects.toThrow(IntegrityError);
    const missing = createVaultAttachments({ kms, attachmentKeyId: localKms.keyArn, s3: vault({}).s3, vaultBucket: 'v' });
    await expect(missing(summary as never, [await fileItem(A, 'a.pdf', pdf)])).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
