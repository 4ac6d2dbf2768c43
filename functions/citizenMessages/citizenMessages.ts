import type { KMSClient } from '@aws-sdk/client-kms';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import type { CitizenAccess } from '#lib/messages/citizenAccess.ts';
import { openMessages } from '#lib/messages/reading.ts';
import type { MessageStore } from '#lib/messages/store.ts';

export interface CitizenMessagesDeps {
  citizenCase: CitizenAccess;
  messages: Pick<MessageStore, 'messagesOf'>;
  kms: KMSClient;
  messageKeyId: string;
}

/**
 * GET /status/{reference}/messages: the office's messages and the citizen's replies, oldest first,
 * behind the status token. Opens messages only (message context): this function cannot decrypt
 * form data, notes or a submission's file names. Never names the clerk.
 */
export function createCitizenMessages(deps: CitizenMessagesDeps) {
  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const { summary } = await deps.citizenCase(event);
    const opened = await openMessages(deps.kms, deps.messageKeyId, summary, await deps.messages.messagesOf(summary.caseId));
    const items = opened.map((message) => ({
      at: message.at,
      from: message.from,
      kind: message.kind,
      text: message.text,
      attachments: message.attachments.map(({ attachmentId, fileName, mediaType, size }) => ({ attachmentId, fileName, mediaType, size })),
    }));
    // Built field by field, not parsed with zod (kept off the cold start): test/unit/messages/citizenRoutes.test.ts
    // holds it to the documented shape (citizenMessages).
    return json(200, { items }, { noStore: true });
  };
}
