import { describe, expect, it } from '@jest/globals';
import type { DecryptCommand, GenerateDataKeyCommand} from '@aws-sdk/client-kms';
import { type KMSClient } from '@aws-sdk/client-kms';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { MESSAGE_CONTEXT_KEYS, MESSAGE_PURPOSE, openMessage, sealMessage } from '#lib/messages/sealing.ts';

// A message is sealed under its own data key, bound to case, item, office and the purpose
// `message` (KMS context and AAD): what the public routes' grant is conditioned on.
const KEY_ID = 'arn:aws:kms:eu-central-1:111111111111:key/case';
const contexts: Record<string, string>[] = [];
const kms = {
  send: async (command: GenerateDataKeyCommand | DecryptCommand) => {
    contexts.push({ ...(command.input.EncryptionContext ?? {}) });
    return { Plaintext: new Uint8Array(32).fill(5), CiphertextBlob: new Uint8Array(64).fill(1), KeyId: KEY_ID };
  },
} as unknown as KMSClient;

const context = { caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NB', office: 'ordnungsamt', itemId: '01JD3ZM0000000000000000001' };

describe('message sealing', () => {
  it('asks KMS with exactly the message context, purpose `message`, and opens what it sealed', async () => {
    contexts.length = 0;
    const sealed = await sealMessage(kms, KEY_ID, context, { text: 'Bitte Nachweis', attachments: [] });
    expect(Buffer.from(sealed.ct).toString('utf8')).not.toContain('Nachweis');
    expect(await openMessage(kms, KEY_ID, context, sealed)).toEqual({ text: 'Bitte Nachweis', attachments: [] });
    expect(contexts).toEqual([
      { ...context, purpose: MESSAGE_PURPOSE },
      { ...context, purpose: MESSAGE_PURPOSE },
    ]);
    expect(Object.keys(contexts[0]!).sort()).toEqual([...MESSAGE_CONTEXT_KEYS].sort());
  });

  it('does not open under another case, item or office: an integrity error', async () => {
    const sealed = await sealMessage(kms, KEY_ID, context, { text: 'x', attachments: [] });
    for (const moved of [{ caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NC' }, { itemId: '01JD3ZM0000000000000000002' }, { office: 'jugendamt' }]) {
      await expect(openMessage(kms, KEY_ID, { ...context, ...moved }, sealed)).rejects.toBeInstanceOf(IntegrityError);
    }
  });
});
