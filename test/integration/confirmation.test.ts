// The citizen's confirmation mail (API.md, "Citizens' status and confirmation"): submit → the case
// goes through the events stream and the confirmations queue to the worker → one mail in the local
// mail catcher, German then English, with the reference and a working status link, no form value;
// the decryption recorded as system:confirmation before it; the address in no log line.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { call, clerkToken, local, stackInfo } from '../support/api.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { leaksIn, newMarker, plantMarkers } from '../support/markers.ts';
import { until } from '../support/waiting.ts';

interface CaughtMail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

const form = formCatalogue().list().find((candidate) => candidate.confirmation);

async function mailsTo(address: string): Promise<CaughtMail[]> {
  const response = await fetch(stackInfo().mailUrl);
  const store = (await response.json()) as { emails: CaughtMail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

/** Every string value of the data (what must never appear in the mail). */
function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(leaves);
  return [];
}

function setAt(data: Record<string, unknown>, pointer: string, value: string): void {
  const tokens = pointer.split('/').slice(1);
  let node = data;
  for (const token of tokens.slice(0, -1)) node = node[token] as Record<string, unknown>;
  node[tokens.at(-1)!] = value;
}

let submitted: { caseId: string; reference: string; statusToken: string };
let address: string;
let marker: string;
let data: Record<string, unknown>;
let mail: CaughtMail;

beforeAll(async () => {
  if (!form?.confirmation) throw new Error('no shipped form names a confirmation e-mail field');
  address = `${newMarker('Ml').toLowerCase()}@example.de`;
  marker = newMarker('Fv');
  plantMarkers([address, marker]);
  data = sampleOf(form.id, form.version);
  setAt(data, form.confirmation.emailPointer, address);
  const parent = form.confirmation.emailPointer.split('/').slice(0, -1).join('/');
  setAt(data, `${parent}/familyName`, marker);
  const answer = await call('POST', `/forms/${form.id}/submissions`, { body: { data } });
  expect(answer.status).toBe(201);
  submitted = answer.body;
  plantMarkers([submitted.statusToken]);
  mail = await until('the confirmation mail', async () => (await mailsTo(address))[0]);
});

describe('confirmation mail', () => {
  it('is caught once, to the address of the form data, German first and English below', async () => {
    expect(await mailsTo(address)).toHaveLength(1);
    const text = mail.body.text ?? '';
    expect(text).toContain(form!.title.de);
    expect(text).toContain(form!.title.en);
    expect(text.indexOf(form!.title.de)).toBeLessThan(text.indexOf(form!.title.en));
    expect(mail.subject).toContain(submitted.reference);
    expect(text).toContain(submitted.reference);
  });

  it('carries a status link that works: its reference and token open the case\'s status', async () => {
    const links = (mail.body.text ?? '').match(/https?:\/\/\S+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    const link = new URL(links[0]!);
    expect(link.searchParams.get('reference')).toBe(submitted.reference);
    const token = new URLSearchParams(link.hash.slice(1)).get('token');
    expect(token).toBe(submitted.statusToken);
    const status = await call('GET', `/status/${link.searchParams.get('reference')}`, { headers: { 'Status-Token': token! } });
    expect(status.status).toBe(200);
    expect(status.body.reference).toBe(submitted.reference);
  });

  it('holds no value of the form data, the address included', () => {
    const whole = `${mail.subject}\n${mail.body.text ?? ''}\n${mail.body.html ?? ''}`;
    const values = leaves(data).filter((value) => value.length >= 4);
    expect(values).toContain(marker);
    expect(values.filter((value) => whole.includes(value))).toEqual([]);
  });

  it('is recorded: the decryption as case.viewed by system:confirmation first, then case.confirmation_sent', async () => {
    const token = await clerkToken('confirm-reader', [form!.office]);
    const events = await until('case.confirmation_sent', async () => {
      const answer = await call('GET', `/cases/${submitted.caseId}/events`, { headers: { authorization: `Bearer ${token}` } });
      const items = answer.body.items as { type: string; actor: string }[];
      return items.some((event) => event.type === 'case.confirmation_sent') ? items : undefined;
    });
    const byWorker = events.filter((event) => event.actor === 'system:confirmation').map((event) => event.type);
    expect(byWorker).toEqual(['case.viewed', 'case.confirmation_sent']);
  });

  it('leaves the address and the form values out of every log line of the stack', () => {
    const output = readFileSync(join(stackInfo().dataDir, 'stack-output.log'), 'utf8');
    expect(output).toContain('confirmation'); // the worker did log (its outcome), so the check can fail
    expect(leaksIn(output, [address, marker, submitted.statusToken])).toEqual([]);
  });
});

/**
 * Puts copies of a queue message on the confirmations queue in one batch (beside the one the dispatch
 * worker sends: one receive takes them together) and waits until the worker let every copy go (the
 * local queue journals each delete).
 */
async function handleCopies(body: Record<string, string>, count = 5): Promise<void> {
  const sqs = new SQSClient({ ...local(), endpoint: stackInfo().sqsEndpoint });
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: stackInfo().queues.confirmations.url,
      Entries: Array.from({ length: count }, (_, index) => ({ Id: String(index), MessageBody: JSON.stringify(body) })),
    }),
  );
  sqs.destroy();
  const copies = (sent.Successful ?? []).map((entry) => entry.MessageId!);
  expect(copies).toHaveLength(count);
  const journal = join(stackInfo().dataDir, 'sqs-journal.jsonl');
  await until('every copy handled', async () => {
    const deleted = new Set(
      readFileSync(journal, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"op":"delete"'))
        .map((line) => (JSON.parse(line) as { id: string }).id),
    );
    return copies.every((id) => deleted.has(id)) ? true : undefined;
  });
}

/** A case of the form whose confirmation address is a fresh marker. */
async function submitWithAddress(prefix: string): Promise<{ address: string; caseId: string }> {
  const address = `${newMarker(prefix).toLowerCase()}@example.de`;
  plantMarkers([address]);
  const copyData = sampleOf(form!.id, form!.version);
  setAt(copyData, form!.confirmation!.emailPointer, address);
  const answer = await call('POST', `/forms/${form!.id}/submissions`, { body: { data: copyData } });
  expect(answer.status).toBe(201);
  return { address, caseId: answer.body.caseId as string };
}

describe('duplicated messages (SQS delivers at least once)', () => {
  it('send one mail and record one case.confirmation_sent, however many copies arrive in one batch', async () => {
    const { address: duplicated, caseId } = await submitWithAddress('Dp');
    // Five more copies of the case's message at once, beside the one the dispatch worker sends.
    await handleCopies({ caseId });
    const token = await clerkToken('confirm-reader', [form!.office]);
    const events = await until('case.confirmation_sent', async () => {
      const items = (await call('GET', `/cases/${caseId}/events`, { headers: { authorization: `Bearer ${token}` } })).body.items as { type: string }[];
      return items.some((event) => event.type === 'case.confirmation_sent') ? items : undefined;
    });
    expect(events.filter((event) => event.type === 'case.confirmation_sent')).toHaveLength(1);
    expect(await mailsTo(duplicated)).toHaveLength(1);
  });

  it("send one news mail and record one case.citizen_notified, however many copies of an office message's news arrive in one batch", async () => {
    const { address: notified, caseId } = await submitWithAddress('Nw');
    const headers = { authorization: `Bearer ${await clerkToken('news-writer', [form!.office])}` };
    const etag = (await call('GET', `/cases/${caseId}`, { headers })).headers.get('etag')!;
    const message = await call('POST', `/cases/${caseId}/messages`, { body: { kind: 'information', text: 'Wir prüfen Ihren Antrag.' }, headers: { ...headers, 'if-match': etag } });
    expect(message.status).toBe(201);
    const eventsOf = async () => (await call('GET', `/cases/${caseId}/events`, { headers })).body.items as { type: string; detail?: string }[];
    const messageId = (await eventsOf()).find((event) => event.type === 'case.message_sent')!.detail!;
    // Five copies of the message's news beside the one the dispatch worker sends, in one batch, concurrently handled.
    await handleCopies({ caseId, messageId });
    const events = await until('case.citizen_notified', async () => {
      const items = await eventsOf();
      return items.some((event) => event.type === 'case.citizen_notified') ? items : undefined;
    });
    expect(events.filter((event) => event.type === 'case.citizen_notified')).toEqual([expect.objectContaining({ detail: messageId })]);
    expect((await mailsTo(notified)).filter((mail) => mail.subject.startsWith('Neuigkeiten'))).toHaveLength(1);
  });
});
