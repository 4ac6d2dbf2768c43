import { createHash } from 'node:crypto';
import { PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { nextLink, type ChainLink } from '#lib/audit/chain.ts';
import { readCaseFile } from '#lib/attachments/caseFiles.ts';
import { s3 } from '#lib/attachments/s3.ts';
import { openMeta } from '#lib/attachments/sealing.ts';
import { objectKeyOf } from '#lib/attachments/upload.ts';
import { createEventLog, eventPut } from '#lib/cases/events.ts';
import { contextOf } from '#lib/cases/integrity.ts';
import { caseItemKey, casePartition, readCaseItem } from '#lib/cases/items.ts';
import { FILE_PREFIX } from '#lib/cases/tables.ts';
import { kmsContext } from '#lib/crypto/envelope.ts';
import { JWE_ALG, JWE_ENC } from '#lib/delivery/jwe.ts';
import { buildPayload } from '#lib/delivery/payload.ts';
import { HEADERS } from '#lib/delivery/signature.ts';
import type { LocalDestination } from '../infra/local/destinations.ts';
import type { StackInfo } from '../infra/local/stack.ts';

/** The raw Query of a case's partition: the case item and the items after it (notes, files). */
export const queryCasePartition = (dynamodb: DynamoDBClient, table: string, caseId: string) =>
  dynamodb.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :case)',
      ExpressionAttributeValues: { ':pk': casePartition(caseId), ':case': { S: 'CASE' } },
      ConsistentRead: true,
    }),
  );

/**
 * One delivery's raw steps, by hand, in the order the design allows (docs/delivery.md: the
 * decryption is on record before anything leaves; the worker reads the files only after that
 * record, as its tests hold it):
 *
 * 1. Query of the case's partition (case item and file items);
 * 2. the claim (`UpdateItem` of `delivery`, `deliveryId`) ∥ the Query of the audit chain's head;
 * 3. KMS Decrypt of the case's data key;
 * 4. the `case.viewed` PutItem, linked to that head;
 * 5. per file the KMS Decrypt of its metadata ∥ its GetObject from the vault, and its SHA-256;
 * 6. the payload JSON, the JWE (the destination key imported once), the HMAC, the POST;
 * 7. the settle (`UpdateItem`), then the `case.delivered` PutItem linked to the `case.viewed` one.
 *
 * Left out: the AES-GCM opening of the data and the summary MAC check (microseconds); the data is
 * the form's sample, which every benchmark case holds. The claim is conditional on the case's
 * existence only, so that it can run on cases delivered before.
 */
export function rawDeliverySteps(options: {
  stack: StackInfo;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  destination: LocalDestination;
  data: unknown;
  post: (body: string, headers: Record<string, string>) => Promise<void>;
}): (caseId: string) => Promise<void> {
  const { stack, dynamodb, kms, destination } = options;
  // The head Query of the chain: one raw Query (the event log's own, which is nothing more).
  const events = createEventLog(dynamodb, stack.tables.events);
  const { key_ops: _keyOps, use: _use, ...importable } = destination.publicJwk as JWK;
  const publicKey = importJWK(importable, JWE_ALG);
  const deliveryState = (caseId: string, set: string, condition: string, values: Record<string, AttributeValue>) =>
    dynamodb.send(
      new UpdateItemCommand({
        TableName: stack.tables.cases,
        Key: caseItemKey(caseId),
        UpdateExpression: set,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#delivery': 'delivery', '#deliveryId': 'deliveryId' },
        ExpressionAttributeValues: values,
        ReturnValues: 'UPDATED_NEW',
      }),
    );
  const record = async (caseId: string, type: 'case.viewed' | 'case.delivered', after: ChainLink, expiresAt: number): Promise<ChainLink> => {
    const event = { at: new Date().toISOString(), type, actor: 'bench-raw' };
    const link = nextLink(caseId, event, after);
    await dynamodb.send(new PutItemCommand(eventPut(stack.tables.events, caseId, event, expiresAt, link)));
    return link;
  };

  return async (caseId) => {
    const partition = await queryCasePartition(dynamodb, stack.tables.cases, caseId);
    const items = partition.Items ?? [];
    const { summary, envelope, expiresAt } = readCaseItem(caseId, items.find((item) => item.sk?.S === 'CASE')!);
    const files = items.filter((item) => item.sk?.S?.startsWith(FILE_PREFIX)).map(readCaseFile);

    const [claimed, head] = await Promise.all([
      deliveryState(caseId, 'SET #delivery = :to, #deliveryId = if_not_exists(#deliveryId, :newId)', 'attribute_exists(pk)', {
        ':to': { S: 'pending' },
        ':newId': { S: caseId },
      }),
      events.head(caseId),
    ]);
    const deliveryId = claimed.Attributes!.deliveryId!.S!;

    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: envelope.edk, KeyId: stack.caseKeyArn, EncryptionContext: kmsContext(contextOf(summary)) }));
    decrypted.Plaintext?.fill(0);
    const viewed = await record(caseId, 'case.viewed', head!, expiresAt);

    const attachments = [];
    for (const file of files) {
      const [meta, object] = await Promise.all([
        openMeta(kms, stack.caseKeyArn, { attachmentId: file.attachmentId, formId: file.formId, office: file.office }, file.meta, caseId),
        s3.send(new GetObjectCommand({ Bucket: stack.buckets.vault, Key: objectKeyOf(file.attachmentId) })),
      ]);
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      if (createHash('sha256').update(bytes).digest('base64') !== meta.sha256) throw new Error('the raw file differs from its checksum');
      attachments.push({ attachmentId: file.attachmentId, field: file.field, fileName: meta.fileName, mediaType: file.mediaType, size: file.size, sha256: meta.sha256, content: bytes.toString('base64') });
    }

    const payload = Buffer.from(JSON.stringify(buildPayload(summary, options.data, attachments)), 'utf8');
    const body = await new CompactEncrypt(payload).setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, kid: destination.publicJwk.kid, cty: 'application/json' }).encrypt(await publicKey);
    await options.post(body, { 'Content-Type': 'application/jose', [HEADERS.caseId]: caseId, [HEADERS.deliveryId]: deliveryId });

    await deliveryState(caseId, 'SET #delivery = :to', '#delivery = :pending AND #deliveryId = :id', {
      ':to': { S: 'delivered' },
      ':pending': { S: 'pending' },
      ':id': { S: deliveryId },
    });
    await record(caseId, 'case.delivered', viewed, expiresAt);
  };
}
