import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { EventLog } from '#lib/cases/events.ts';
import type { CaseEvent, CaseSummary } from '#lib/cases/model.ts';
import type { LoadedCase } from '#lib/cases/store.ts';
import type { Mail, Mailer } from '#lib/status/mailer.ts';
import { statusTokens } from '#lib/status/token.ts';
import { createConfirmation, type ConfirmDeps } from '../../functions/confirm/confirm.ts';
import { formCatalogue, sampleOf } from './forms.ts';
import { newMarker } from './markers.ts';
import { sealedCase } from './sealedCase.ts';

// The confirmation worker's story against in-memory stores, a real envelope and a fake SES.
export const forms = formCatalogue();
export const confirming = forms.list().find((form) => form.confirmation);
if (!confirming) throw new Error('no shipped form names a confirmation e-mail field');
export const silent = forms.all().find((form) => !form.confirmation);
export const tokens = statusTokens({ digest: async (...parts) => Buffer.from(parts.join('|').padEnd(32, '#').slice(0, 32)) });
export const KEY_ID = 'arn:aws:kms:eu-central-1:111111111111:key/case';

export const kms = {
  send: async (command: object) => {
    if (command instanceof GenerateDataKeyCommand || command instanceof DecryptCommand) {
      return { Plaintext: new Uint8Array(32).fill(9), CiphertextBlob: new Uint8Array(64).fill(1), KeyId: KEY_ID };
    }
    throw new Error('unexpected KMS call');
  },
} as unknown as KMSClient;

/** A sealed case of a form with data in which the address (and one more field) is a fresh marker. */
export async function storedCase(form = confirming!, withAddress = true): Promise<{ stored: LoadedCase; address: string; marker: string }> {
  const data = sampleOf(form.id, form.version) as Record<string, Record<string, unknown>>;
  const address = `${newMarker('ad').toLowerCase()}@example.de`;
  const marker = newMarker('Dv');
  const pointer = form.confirmation?.emailPointer.split('/').slice(1) ?? [];
  if (pointer.length === 2) {
    if (withAddress) data[pointer[0]!]![pointer[1]!] = address;
    else delete data[pointer[0]!]![pointer[1]!];
    data[pointer[0]!]!.familyName = marker;
  }
  const summary: CaseSummary = {
    caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NB',
    reference: 'K7QM-4HXT-9CRB',
    formId: form.id,
    formVersion: form.version,
    office: form.office,
    status: 'received',
    receivedAt: '2026-11-27T13:35:10.123Z',
    updatedAt: '2026-11-27T13:35:10.123Z',
    version: 1,
    delivery: null,
  };
  const expiresAt = 4_000_000_000;
  const stored = await sealedCase(kms, KEY_ID, summary, Buffer.from(JSON.stringify(data)), expiresAt);
  return { stored, address, marker };
}

export function world(stored: LoadedCase | undefined, mailer?: Partial<Mailer>) {
  const events: CaseEvent[] = [];
  const sent: Mail[] = [];
  const order: string[] = [];
  const log: Pick<EventLog, 'append' | 'page'> = {
    append: async (_caseId, event) => {
      order.push(`event:${event.type}`);
      events.push(event);
    },
    page: async () => ({ items: events.map((event, index) => ({ ...event, seq: index + 1, hash: `h${index + 1}` })), last: undefined, more: false }),
  };
  // The claims on the case item (confirmation) and on message items (news), with DynamoDB's conditional semantics (confirmationClaim.ts).
  const held = new Map<string, { state: string; id?: string }>();
  const keyOf = (subject: { caseId: string; messageId?: string }) => `${subject.caseId}/${subject.messageId ?? 'CASE'}`;
  const claims: ConfirmDeps['claims'] = {
    claim: async (subject, id) => {
      await Promise.resolve(); // a round trip: concurrent copies interleave here
      if (held.has(keyOf(subject))) return false;
      held.set(keyOf(subject), { state: 'sending', id });
      return true;
    },
    settle: async (subject, id, to) => {
      const claim = held.get(keyOf(subject));
      if (claim?.state !== 'sending' || claim.id !== id) return false;
      held.set(keyOf(subject), { state: to });
      return true;
    },
    release: async (subject, id) => {
      const claim = held.get(keyOf(subject));
      if (claim?.state !== 'sending' || claim.id !== id) return false;
      held.delete(keyOf(subject));
      return true;
    },
  };
  const deps: ConfirmDeps = {
    cases: { load: async () => stored },
    events: log,
    claims,
    kms: {
      send: async (command: object) => {
        order.push(`kms:${command.constructor.name}`);
        return (kms.send as (c: object) => Promise<unknown>)(command);
      },
    } as unknown as KMSClient,
    caseKeyId: KEY_ID,
    forms,
    tokens,
    statusPageUrl: 'https://formulare.example.de/status',
    mailer: {
      send: async (mail) => {
        order.push('mail');
        sent.push(mail);
      },
      ...mailer,
    },
  };
  return { confirm: createConfirmation(deps), events, sent, order, claimed: (messageId?: string) => held.get(keyOf({ caseId: stored?.summary.caseId ?? '', messageId })) };
}
