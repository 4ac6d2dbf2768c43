import { describe, expect, it } from '@jest/globals';
import type { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { citizenMessage, citizenMessages } from '#lib/api/schemas.ts';
import type { AttachmentStore } from '#lib/attachments/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import type { StoredMessage } from '#lib/messages/items.ts';
import type { MessageContent } from '#lib/messages/model.ts';
import { sealMessage } from '#lib/messages/sealing.ts';
import { createCitizenMessages } from '../../../functions/citizenMessages/citizenMessages.ts';
import { createCitizenReply } from '../../../functions/citizenReply/citizenReply.ts';
import { apiEvent, lambdaContext as context } from '../../support/events.ts';
import { sampleSummary } from '../../support/summaries.ts';

// The citizen's message routes build their answers field by field (zod is kept off their cold
// start): the answers must still be exactly the documented shapes, and name neither the clerk nor
// anything else of the case.

const KEY_ID = 'arn:aws:kms:eu-central-1:111111111111:key/message';
/** A KMS that hands out one data key: sealing and opening meet without a KMS process. */
const kms = {
  send: async (_command: GenerateDataKeyCommand | DecryptCommand) => ({ Plaintext: new Uint8Array(32).fill(7), CiphertextBlob: new Uint8Array(64).fill(1), KeyId: KEY_ID }),
} as unknown as KMSClient;

const summary = sampleSummary({ status: 'needs_info', version: 3 });
const citizenCase = async () => ({ summary, expiresAt: 2_000_000_000 });
const file = { attachmentId: '01JD3ZM0000000000000000009', fileName: 'bescheid.pdf', mediaType: 'application/pdf', size: 1234, sha256: `${'A'.repeat(43)}=` };

async function stored(messageId: string, header: Omit<StoredMessage, 'messageId' | 'sealed' | 'attachmentIds'>, content: MessageContent): Promise<StoredMessage> {
  const sealed = await sealMessage(kms, KEY_ID, { caseId: summary.caseId, office: summary.office, itemId: messageId }, content);
  return { messageId, ...header, attachmentIds: content.attachments.map((each) => each.attachmentId), sealed };
}

const ask = (method: string, resource: string, body?: unknown) =>
  apiEvent({ method, resource, pathParameters: { reference: summary.reference }, headers: { 'Status-Token': 't', 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe("the citizen's message routes answer the documented shapes", () => {
  it('GET /status/{reference}/messages: each message as citizenMessage, without the clerk, the message id or a checksum', async () => {
    const messages = [
      await stored('01JD3ZM0000000000000000001', { at: '2026-11-28T08:00:00.000Z', from: 'office', kind: 'request', actor: 'clerk-mira' }, { text: 'Bitte Nachweis', attachments: [] }),
      await stored('01JD3ZM0000000000000000002', { at: '2026-11-29T08:00:00.000Z', from: 'office', kind: 'decision', actor: 'clerk-mira' }, { text: 'Bescheid', attachments: [file] }),
    ];
    const handler = httpRoute(createCitizenMessages({ citizenCase, messages: { messagesOf: async () => messages }, kms, messageKeyId: KEY_ID }));
    const answer = await handler(ask('GET', '/status/{reference}/messages'), context);
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body) as unknown;
    // zod's parse drops what the shape does not name: equal only if the answer has nothing more.
    expect(citizenMessages.parse(body)).toEqual(body);
    expect((body as { items: unknown[] }).items).toHaveLength(2);
    expect(answer.body).not.toMatch(/clerk-mira|01JD3ZM0000000000000000001|AAAAAAAA/);
  });

  it('POST /status/{reference}/replies: the reply as citizenMessage, its text trimmed', async () => {
    const handler = httpRoute<unknown>(
      createCitizenReply({
        citizenCase,
        messages: { replyCount: async () => 0 },
        events: { appendWithin: async () => undefined },
        attachments: {} as AttachmentStore,
        dynamodb: {} as DynamoDBClient,
        casesTable: 'cases',
        kms,
        messageKeyId: KEY_ID,
        now: () => new Date('2026-11-30T08:00:00.000Z'),
      }),
      { jsonBody: true },
    );
    const answer = await handler(ask('POST', '/status/{reference}/replies', { text: '  Anbei das Zeugnis. ' }), context);
    expect(answer.statusCode).toBe(201);
    const body = JSON.parse(answer.body) as unknown;
    expect(citizenMessage.parse(body)).toEqual(body);
    expect(body).toEqual({ at: '2026-11-30T08:00:00.000Z', from: 'citizen', kind: 'reply', text: 'Anbei das Zeugnis.', attachments: [] });
  });
});
