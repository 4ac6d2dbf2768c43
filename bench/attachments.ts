import { createHash, randomBytes } from 'node:crypto';
import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3_CLIENT_SETTINGS } from '#lib/attachments/s3.ts';
import { ATTACHMENT_PURPOSE } from '#lib/attachments/sealing.ts';
import { objectKeyOf, UPLOAD_HEADERS, UPLOAD_SECONDS } from '#lib/attachments/upload.ts';
import { newId } from '#lib/cases/store.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { apiEvent, lambdaContext } from '../test/support/events.ts';
import type { Handler } from './clerkPaths.ts';
import { compare, type Comparison } from './stats.ts';

/**
 * The attachment ticket, `POST /forms/{formId}/attachments`, through its handler in-process (the
 * module the local gateway serves, with its own clients, against the bench's local stack), beside
 * two floors measured in the same run, interleaved:
 * - `presign`: the presign of the same PUT alone (same command, same signed and unhoistable
 *   headers, same expiry) on an S3 client with the functions' settings (`S3_CLIENT_SETTINGS`),
 *   which is pure CPU: what a ticket would cost if it did nothing but sign;
 * - `sequence`: the ticket's minimal raw work, in its order: `GenerateDataKey` for the sealed
 *   file name, the conditional `PutItem` of a ticket item of the handler's own bytes (read back
 *   from the table, id renamed), then the presign.
 * Each sample is the mean of `callsPerSample` calls (ms per call).
 */
export interface AttachmentsResult {
  callsPerSample: number;
  presign: Comparison;
  sequence: Comparison;
}

const FORM = 'fischereischein';
const OFFICE = 'ordnungsamt';

export async function attachmentsBench(options: {
  stack: StackInfo;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  attachmentTicket: Handler;
  pairs: number;
  callsPerSample: number;
  log: (line: string) => void;
}): Promise<AttachmentsResult> {
  const { stack, dynamodb, kms } = options;
  const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000)]);
  const file = {
    field: '/examCertificate',
    fileName: 'Prüfungszeugnis.pdf',
    mediaType: 'application/pdf',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('base64'),
  };
  // A fresh event per call: the pipeline parses the JSON body into the event it is handed.
  const event = () => apiEvent({
    method: 'POST',
    resource: '/forms/{formId}/attachments',
    pathParameters: { formId: FORM },
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(file),
    requestId: 'bench',
    });
  const ticket = async (): Promise<string> => {
    const answer = await options.attachmentTicket(event(), lambdaContext);
    if (answer.statusCode !== 201) throw new Error(`ticket answered ${answer.statusCode}: ${answer.body}`);
    return (JSON.parse(answer.body) as { attachmentId: string }).attachmentId;
  };

  // The same client settings as the functions' (region and the local store's endpoint from the environment the stack set).
  const s3 = new S3Client({ ...S3_CLIENT_SETTINGS });
  const headers: Record<string, string> = {
    'content-type': file.mediaType,
    'content-length': String(file.size),
    'x-amz-checksum-sha256': file.sha256,
    'x-amz-sdk-checksum-algorithm': 'SHA256',
    'if-none-match': '*',
  };
  if (Object.keys(headers).sort().join() !== [...UPLOAD_HEADERS].sort().join()) throw new Error('the bench signs other headers than a ticket');
  const presign = (attachmentId: string) =>
    getSignedUrl(
      s3,
      new PutObjectCommand({
        Bucket: stack.buckets.quarantine,
        Key: objectKeyOf(attachmentId),
        ContentType: file.mediaType,
        ContentLength: file.size,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: file.sha256,
        IfNoneMatch: '*',
      }),
      { expiresIn: UPLOAD_SECONDS, signableHeaders: new Set(Object.keys(headers)), unhoistableHeaders: new Set(Object.keys(headers)) },
    );

  // Warm up both paths (connections, lazy SDK parts) and take the handler's ticket item as the floor's item.
  const sampleId = await ticket();
  await presign(newId());
  const stored = await dynamodb.send(new GetItemCommand({ TableName: stack.tables.attachments, Key: { attachmentId: { S: sampleId } }, ConsistentRead: true }));
  if (!stored.Item) throw new Error('the ticket item was not found');
  const item: Record<string, AttributeValue> = stored.Item;
  options.log(`  ticket item ${Buffer.byteLength(JSON.stringify(item))} bytes (as JSON)`);

  const sequence = async () => {
    const attachmentId = newId();
    const generated = await kms.send(
      new GenerateDataKeyCommand({
        KeyId: stack.caseKeyArn,
        KeySpec: 'AES_256',
        EncryptionContext: { attachmentId, formId: FORM, office: item.office?.S ?? OFFICE, purpose: ATTACHMENT_PURPOSE },
      }),
    );
    generated.Plaintext?.fill(0);
    await dynamodb.send(
      new PutItemCommand({ TableName: stack.tables.attachments, Item: { ...item, attachmentId: { S: attachmentId } }, ConditionExpression: 'attribute_not_exists(attachmentId)' }),
    );
    await presign(attachmentId);
  };

  const mean = async (work: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < options.callsPerSample; i++) await work();
    return (performance.now() - started) / options.callsPerSample;
  };
  const subject = () => mean(ticket);
  return {
    callsPerSample: options.callsPerSample,
    presign: await compare(options.pairs, subject, () => mean(() => presign(newId()))),
    sequence: await compare(options.pairs, subject, () => mean(sequence)),
  };
}
