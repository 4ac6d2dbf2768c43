// Messages between office and citizen (API.md): the whole journey over HTTP (request → news mail →
// the citizen reads → replies with a PDF → back to in_review → the clerk sees the reply and
// downloads its file → decision with a PDF → the citizen downloads it), and every refusal: wrong
// token, another case's file, the 21st reply, oversized text, wrong status, If-Match. Nothing of a
// message in plaintext in any table or log line (planted markers).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { until } from '../support/waiting.ts';
import { call, clerkToken, stackInfo, type Answer } from '../support/api.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { newMarker, plantMarkers } from '../support/markers.ts';
import { plaintextLeaks } from '../support/tables.ts';
import { fileOf, send, sha256Of } from '../support/uploads.ts';

interface CaughtMail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}

interface Submitted {
  caseId: string;
  reference: string;
  statusToken: string;
}

const form = formCatalogue().list().find((candidate) => candidate.confirmation);

async function mailsTo(address: string): Promise<CaughtMail[]> {
  const store = (await (await fetch(stackInfo().mailUrl)).json()) as { emails: CaughtMail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

function setAt(data: Record<string, unknown>, pointer: string, value: string): void {
  const tokens = pointer.split('/').slice(1);
  let node = data;
  for (const token of tokens.slice(0, -1)) node = node[token] as Record<string, unknown>;
  node[tokens.at(-1)!] = value;
}

let clerk: string;
const bearer = () => ({ authorization: `Bearer ${clerk}` });

/** A case of the confirmation form, with a planted address. */
async function submitCase(): Promise<Submitted & { address: string }> {
  if (!form?.confirmation) throw new Error('no shipped form names a confirmation e-mail field');
  const address = `${newMarker('Ma').toLowerCase()}@example.de`;
  plantMarkers([address]);
  const data = sampleOf(form.id, form.version);
  setAt(data, form.confirmation.emailPointer, address);
  const answer = await call('POST', `/forms/${form.id}/submissions`, { body: { data } });
  expect(answer.status).toBe(201);
  plantMarkers([answer.body.statusToken]);
  return { ...answer.body, address };
}

async function readCase(caseId: string): Promise<Answer> {
  const answer = await call('GET', `/cases/${caseId}`, { headers: bearer() });
  expect(answer.status).toBe(200);
  return answer;
}

async function patch(caseId: string, status: string): Promise<void> {
  const etag = (await readCase(caseId)).headers.get('etag')!;
  const answer = await call('PATCH', `/cases/${caseId}`, { body: { status }, headers: { ...bearer(), 'if-match': etag } });
  expect(answer.status).toBe(200);
}

async function sendMessage(caseId: string, body: Record<string, unknown>, ifMatch?: string): Promise<Answer> {
  const etag = ifMatch ?? (await readCase(caseId)).headers.get('etag')!;
  return call('POST', `/cases/${caseId}/messages`, { body, headers: { ...bearer(), 'if-match': etag } });
}

const asCitizen = (c: Submitted, token = c.statusToken) => ({ 'Status-Token': token });
const statusPath = (c: Submitted, rest: string) => `/status/${encodeURIComponent(c.reference)}${rest}`;

/** Ticket (clerk's or citizen's), upload, scan: the id of a clean file. */
async function uploadFor(ticketPath: string, headers: Record<string, string>, fileName: string, bytes: Buffer): Promise<string> {
  const ticket = await call('POST', ticketPath, { body: { fileName, mediaType: 'application/pdf', size: bytes.length, sha256: sha256Of(bytes) }, headers });
  expect(ticket.status).toBe(201);
  expect((await send('PUT', ticket.body.upload.url, ticket.body.upload.headers, bytes)).status).toBe(200);
  const settled = await until('the scan', async () => {
    const state = await call('GET', `/forms/${form!.id}/attachments/${ticket.body.attachmentId}`);
    return state.body.status === 'clean' || state.body.status === 'rejected' ? state.body.status : undefined;
  });
  expect(settled).toBe('clean');
  return ticket.body.attachmentId as string;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const markers: string[] = [];
const plant = (prefix: string): string => {
  const marker = newMarker(prefix);
  plantMarkers([marker]);
  markers.push(marker);
  return marker;
};

let a: Submitted & { address: string };
let b: Submitted & { address: string };

beforeAll(async () => {
  clerk = await clerkToken('mira', [form!.office]);
  [a, b] = await Promise.all([submitCase(), submitCase()]);
  await Promise.all([patch(a.caseId, 'in_review'), patch(b.caseId, 'in_review')]);
});

describe('the journey: request, news mail, reply with a PDF, decision with a PDF', () => {
  const requestText = `Bitte reichen Sie das Prüfungszeugnis nach. ${plant('Rq')}`;
  const replyText = `Anbei das Zeugnis. ${plant('Rp')}`;
  const decisionText = `Ihr Antrag ist bewilligt. ${plant('Dc')}`;
  const replyFileName = `zeugnis-${plant('Fn')}.pdf`;
  const decisionFileName = `bescheid-${plant('Fd')}.pdf`;
  const replyBytes = fileOf.pdf('reply');
  const decisionBytes = fileOf.pdf('decision');
  let replyFileId: string;
  let decisionFileId: string;

  it('a request moves in_review to needs_info, recorded as case.status_changed and case.message_sent', async () => {
    const sent = await sendMessage(a.caseId, { kind: 'request', text: requestText });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ caseId: a.caseId, status: 'needs_info' });
    expect(sent.headers.get('etag')).toBe(`"${sent.body.version}"`);
    const events = await call('GET', `/cases/${a.caseId}/events`, { headers: bearer() });
    const types = events.body.items.map((event: { type: string }) => event.type);
    expect(types).toEqual(expect.arrayContaining(['case.status_changed', 'case.message_sent']));
    expect(JSON.stringify(events.body)).not.toContain(requestText);
  });

  it('tells the citizen by mail that there is news, with the status link and never the content', async () => {
    const mail = await until('the news mail', async () => (await mailsTo(a.address)).find((candidate) => candidate.subject.startsWith('Neuigkeiten')));
    const text = mail.body.text ?? '';
    expect(text).toContain(`reference=${a.reference}`);
    expect(text).toContain(`#token=${a.statusToken}`);
    expect(text).toContain('— English —');
    expect(`${mail.subject}\n${text}`).not.toContain(requestText);
    expect(text).not.toMatch(/Prüfungszeugnis|request|needs_info/);
    const notified = await until('case.citizen_notified', async () => {
      const events = await call('GET', `/cases/${a.caseId}/events`, { headers: bearer() });
      return events.body.items.find((event: { type: string }) => event.type === 'case.citizen_notified');
    });
    expect(notified).toMatchObject({ actor: 'system:confirmation' });
  });

  it('the citizen reads the message with his status token, without the clerk', async () => {
    const answer = await call('GET', statusPath(a, '/messages'), { headers: asCitizen(a) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.items).toEqual([{ at: expect.any(String), from: 'office', kind: 'request', text: requestText, attachments: [] }]);
    expect(answer.text).not.toContain('mira');
  });

  it('the citizen replies with a PDF: 201, case.reply_received, and the case is back in in_review', async () => {
    replyFileId = await uploadFor(statusPath(a, '/attachments'), asCitizen(a), replyFileName, replyBytes);
    const reply = await call('POST', statusPath(a, '/replies'), { body: { text: replyText, attachments: [replyFileId] }, headers: asCitizen(a) });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      at: expect.any(String),
      from: 'citizen',
      kind: 'reply',
      text: replyText,
      attachments: [{ attachmentId: replyFileId, fileName: replyFileName, mediaType: 'application/pdf', size: replyBytes.length }],
    });
    const status = await until('in_review', async () => {
      const answer = await call('GET', statusPath(a, ''), { headers: asCitizen(a) });
      return answer.body.status === 'in_review' ? answer.body : undefined;
    });
    expect(status.status).toBe('in_review');
    const events = await call('GET', `/cases/${a.caseId}/events`, { headers: bearer() });
    expect(events.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'case.reply_received', actor: 'citizen' }),
        expect.objectContaining({ type: 'case.status_changed', actor: 'citizen', from: 'needs_info', to: 'in_review' }),
      ]),
    );
  });

  it('the clerk sees the reply in the case and downloads its file', async () => {
    const read = await readCase(a.caseId);
    expect(read.body.messages).toEqual([
      expect.objectContaining({ from: 'office', kind: 'request', actor: 'mira', text: requestText, attachments: [] }),
      expect.objectContaining({
        from: 'citizen',
        kind: 'reply',
        actor: 'citizen',
        text: replyText,
        attachments: [{ attachmentId: replyFileId, fileName: replyFileName, mediaType: 'application/pdf', size: replyBytes.length, sha256: sha256Of(replyBytes) }],
      }),
    ]);
    // The reply's file is no attachment of the submitted form.
    expect(read.body.attachments.map((file: { attachmentId: string }) => file.attachmentId)).not.toContain(replyFileId);
    const link = await call('GET', `/cases/${a.caseId}/attachments/${replyFileId}`, { headers: bearer() });
    expect(link.status).toBe(200);
    expect(await download(link.body.url)).toEqual(replyBytes);
  });

  it('the decision with a PDF, once approved; the citizen downloads it (case.decision_downloaded)', async () => {
    await patch(a.caseId, 'approved');
    decisionFileId = await uploadFor(`/cases/${a.caseId}/attachments`, bearer(), decisionFileName, decisionBytes);
    const sent = await sendMessage(a.caseId, { kind: 'decision', text: decisionText, attachments: [decisionFileId] });
    expect(sent.status).toBe(201);
    expect(sent.body.status).toBe('approved');

    const messages = await call('GET', statusPath(a, '/messages'), { headers: asCitizen(a) });
    expect(messages.body.items.map((item: { kind: string }) => item.kind)).toEqual(['request', 'reply', 'decision']);
    expect(messages.body.items[2]).toEqual({
      at: expect.any(String),
      from: 'office',
      kind: 'decision',
      text: decisionText,
      attachments: [{ attachmentId: decisionFileId, fileName: decisionFileName, mediaType: 'application/pdf', size: decisionBytes.length }],
    });
    const link = await call('GET', statusPath(a, `/attachments/${decisionFileId}`), { headers: asCitizen(a) });
    expect(link.status).toBe(200);
    expect(link.headers.get('cache-control')).toBe('no-store');
    expect(await download(link.body.url)).toEqual(decisionBytes);
    const events = await call('GET', `/cases/${a.caseId}/events`, { headers: bearer() });
    expect(events.body.items).toContainEqual(expect.objectContaining({ type: 'case.decision_downloaded', actor: 'citizen', detail: decisionFileId }));
    // His own reply's file he may fetch again, without a decision record.
    const own = await call('GET', statusPath(a, `/attachments/${replyFileId}`), { headers: asCitizen(a) });
    expect(own.status).toBe(200);
  });

  it('a second mail came for the decision, one per message', async () => {
    const news = await until('two news mails', async () => {
      const mails = (await mailsTo(a.address)).filter((mail) => mail.subject.startsWith('Neuigkeiten'));
      return mails.length >= 2 ? mails : undefined;
    });
    expect(news).toHaveLength(2);
  });

  it('keeps nothing of a message, a reply or a file name in plaintext in any table', async () => {
    for (const table of Object.values(stackInfo().tables)) expect(await plaintextLeaks(table, markers)).toEqual([]);
  });

  it('refuses another case\'s file and the wrong token with the one 404', async () => {
    const foreignFile = await call('GET', statusPath(b, `/attachments/${decisionFileId}`), { headers: asCitizen(b) });
    const wrongToken = await call('GET', statusPath(a, `/attachments/${decisionFileId}`), { headers: asCitizen(a, b.statusToken) });
    const unknown = await call('GET', statusPath(a, `/attachments/${'0'.repeat(26)}`), { headers: asCitizen(a) });
    const messages = await call('GET', statusPath(a, '/messages'), { headers: asCitizen(a, b.statusToken) });
    const reply = await call('POST', statusPath(a, '/replies'), { body: { text: 'x' }, headers: asCitizen(a, b.statusToken) });
    const ticket = await call('POST', statusPath(a, '/attachments'), {
      body: { fileName: 'a.pdf', mediaType: 'application/pdf', size: 10, sha256: sha256Of(Buffer.from('x')) },
      headers: asCitizen(a, b.statusToken),
    });
    const unknownReference = await call('GET', `/status/ABCD-EFGH-JKMN/messages`, { headers: asCitizen(a) });
    for (const answer of [foreignFile, wrongToken, unknown, messages, reply, ticket, unknownReference]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(wrongToken.body);
    }
  });

  it('a reply cannot use a file uploaded for another case, nor the office\'s', async () => {
    const bFile = await uploadFor(statusPath(b, '/attachments'), asCitizen(b), 'b.pdf', fileOf.pdf('b'));
    const foreign = await call('POST', statusPath(a, '/replies'), { body: { text: 'Anbei', attachments: [bFile] }, headers: asCitizen(a) });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ pointer: '/attachments/0', keyword: 'attachment' })]);
    const office = await call('POST', statusPath(a, '/replies'), { body: { text: 'Anbei', attachments: [decisionFileId] }, headers: asCitizen(a) });
    expect(office.status).toBe(422);
  });
});

describe('refusals', () => {
  it('refuses oversized text: 422 at /text for a message and for a reply', async () => {
    const text = 'x'.repeat(4_001);
    const message = await sendMessage(b.caseId, { kind: 'information', text });
    expect(message.status).toBe(422);
    expect(message.body.errors).toEqual([expect.objectContaining({ pointer: '/text', keyword: 'maxLength' })]);
    const reply = await call('POST', statusPath(b, '/replies'), { body: { text }, headers: asCitizen(b) });
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual([expect.objectContaining({ pointer: '/text', keyword: 'maxLength' })]);
  });

  it('refuses a decision before approved or rejected, and a request outside in_review: 409 invalid-transition', async () => {
    const decision = await sendMessage(b.caseId, { kind: 'decision', text: 'Bescheid' });
    expect(decision.status).toBe(409);
    expect(decision.body.type).toBe('urn:problem:invalid-transition');
    const first = await sendMessage(b.caseId, { kind: 'request', text: 'Bitte Nachweis' });
    expect(first.status).toBe(201);
    const again = await sendMessage(b.caseId, { kind: 'request', text: 'Noch einmal' });
    expect(again.status).toBe(409);
  });

  it('asks for If-Match (428) and refuses a stale one (412)', async () => {
    const missing = await call('POST', `/cases/${b.caseId}/messages`, { body: { kind: 'information', text: 'Hinweis' }, headers: bearer() });
    expect(missing.status).toBe(428);
    const stale = await sendMessage(b.caseId, { kind: 'information', text: 'Hinweis' }, '"1"');
    expect(stale.status).toBe(412);
  });

  it('answers a case of another office 404, for messages and tickets', async () => {
    const stranger = await clerkToken('stranger', ['an-office-without-forms']);
    const message = await call('POST', `/cases/${b.caseId}/messages`, { body: { kind: 'information', text: 'x' }, headers: { authorization: `Bearer ${stranger}`, 'if-match': '"1"' } });
    const ticket = await call('POST', `/cases/${b.caseId}/attachments`, {
      body: { fileName: 'a.pdf', mediaType: 'application/pdf', size: 10, sha256: sha256Of(Buffer.from('x')) },
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect([message.status, ticket.status]).toEqual([404, 404]);
  });

  it('takes 20 replies and refuses the 21st with 422', async () => {
    const c = await submitCase();
    const statuses: number[] = [];
    for (let i = 1; i <= 20; i++) {
      statuses.push((await call('POST', statusPath(c, '/replies'), { body: { text: `Antwort ${i}` }, headers: asCitizen(c) })).status);
    }
    expect(statuses).toEqual(Array(20).fill(201));
    const last = await call('POST', statusPath(c, '/replies'), { body: { text: 'Antwort 21' }, headers: asCitizen(c) });
    expect(last.status).toBe(422);
    expect(last.body.errors).toEqual([expect.objectContaining({ keyword: 'maxItems' })]);
    const messages = await call('GET', statusPath(c, '/messages'), { headers: asCitizen(c) });
    expect(messages.body.items).toHaveLength(20);
  });

  it('answers a citizen\'s route without Status-Token with 400 naming the header', async () => {
    const answer = await call('GET', statusPath(a, '/messages'));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ header: 'status-token' })]);
  });
});
