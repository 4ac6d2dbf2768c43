// The citizen token on the message routes (API.md, *Messages between office and citizen*: "or the
// citizen token for a form that needs sign-in"): the citizen who signed in to submit reads, downloads
// and replies with `Authorization: Bearer <citizen token>` instead of the status token; another
// citizen's token, an expired or forged one, and any citizen token on a case submitted without
// sign-in get the same 404 as a wrong status token. The status token keeps working.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { identityOf } from '../../functions/lib/bundid/identity.ts';
import { TRUST_LEVELS } from '../../functions/lib/bundid/levels.ts';
import { CITIZEN_TOKEN_TTL_SECONDS, citizenTokens } from '../../functions/lib/bundid/token.ts';
import { secretHmac } from '../../functions/lib/crypto/hmac.ts';
import { call, clerkToken, stackInfo, type Answer } from '../support/api.ts';
import { signIn } from '../support/bundid.ts';
import { formCatalogue, sampleOf } from '../support/forms.ts';
import { plantMarkers } from '../support/markers.ts';
import { fileOf, send, sha256Of } from '../support/uploads.ts';
import { until } from '../support/waiting.ts';

interface Submitted {
  caseId: string;
  reference: string;
  statusToken: string;
}

const signedForm = formCatalogue().list().find((form) => form.authentication);
const openForm = formCatalogue().list().find((form) => !form.authentication);

let clerk: string;
let owner: string;
let other: string;
let signed: Submitted;
let open: Submitted;
let officeFileId: string;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const statusPath = (c: Submitted, rest: string) => `/status/${encodeURIComponent(c.reference)}${rest}`;

async function submit(formId: string, headers: Record<string, string>): Promise<Submitted> {
  const answer = await call('POST', `/forms/${formId}/submissions`, { body: { data: sampleOf(formId) }, headers });
  expect(answer.status).toBe(201);
  plantMarkers([answer.body.statusToken]);
  return answer.body as Submitted;
}

/** A clerk's information with a clean PDF on the case: the file the citizen downloads. */
async function officeMessageWithFile(c: Submitted, office: string): Promise<string> {
  const clerkHeaders = { Authorization: `Bearer ${clerk}` };
  const bytes = fileOf.pdf('information');
  const ticket = await call('POST', `/cases/${c.caseId}/attachments`, {
    body: { fileName: 'hinweis.pdf', mediaType: 'application/pdf', size: bytes.length, sha256: sha256Of(bytes) },
    headers: clerkHeaders,
  });
  expect(ticket.status).toBe(201);
  expect((await send('PUT', ticket.body.upload.url, ticket.body.upload.headers, bytes)).status).toBe(200);
  const formId = signedForm!.id;
  await until('the scan', async () => {
    const state = await call('GET', `/forms/${formId}/attachments/${ticket.body.attachmentId}`);
    return state.body.status === 'clean' ? state.body.status : undefined;
  });
  const etag = (await call('GET', `/cases/${c.caseId}`, { headers: clerkHeaders })).headers.get('etag')!;
  const sent = await call('POST', `/cases/${c.caseId}/messages`, {
    body: { kind: 'information', text: `Hinweis an ${office}`, attachments: [ticket.body.attachmentId] },
    headers: { ...clerkHeaders, 'if-match': etag },
  });
  expect(sent.status).toBe(201);
  return ticket.body.attachmentId as string;
}

/** A token of the owner's identity, correctly signed by the stack, issued longer ago than a token lives. */
async function expiredTokenOf(token: string): Promise<string> {
  const { hmacSecretId, kmsEndpoint, credentials, region } = stackInfo();
  const secrets = new SecretsManagerClient({ region, endpoint: kmsEndpoint, credentials });
  const identity = identityOf(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>)!;
  const past = new Date(Date.now() - (CITIZEN_TOKEN_TTL_SECONDS + 60) * 1000);
  const expired = await citizenTokens(secretHmac(secrets, hmacSecretId), () => past).issue(identity);
  plantMarkers([expired]);
  return expired;
}

/** Every citizen message route with the given headers: messages, a file, a reply ticket, a reply. */
async function everyRoute(c: Submitted, headers: Record<string, string>, fileId: string): Promise<Answer[]> {
  return [
    await call('GET', statusPath(c, '/messages'), { headers }),
    await call('GET', statusPath(c, `/attachments/${fileId}`), { headers }),
    await call('POST', statusPath(c, '/attachments'), { body: { fileName: 'antwort.pdf', mediaType: 'application/pdf', size: 100, sha256: sha256Of(Buffer.alloc(100)) }, headers }),
    await call('POST', statusPath(c, '/replies'), { body: { text: 'Eine Antwort' }, headers }),
  ];
}

function expectAllNotFound(answers: Answer[]): void {
  expect(answers.map((answer) => [answer.status, answer.body?.type])).toEqual(answers.map(() => [404, 'urn:problem:not-found']));
}

beforeAll(async () => {
  if (!signedForm || !openForm) throw new Error('the catalogue needs a form with and one without sign-in');
  clerk = await clerkToken('tara', [signedForm.office, openForm.office]);
  owner = await signIn(signedForm.authentication!.level);
  // Another test identity (one per level): another bPK2, another sub.
  other = await signIn(TRUST_LEVELS.find((level) => level !== signedForm.authentication!.level));
  plantMarkers([owner, other]);
  signed = await submit(signedForm.id, bearer(owner));
  open = await submit(openForm.id, {});
  officeFileId = await officeMessageWithFile(signed, signedForm.office);
});

describe('the citizen token of the citizen who signed in to submit', () => {
  it('reads the messages, downloads a file, gets a reply ticket and replies', async () => {
    const [messages, file, ticket, reply] = await everyRoute(signed, bearer(owner), officeFileId);
    expect(messages!.status).toBe(200);
    expect(messages!.body.items).toEqual([expect.objectContaining({ from: 'office', kind: 'information', attachments: [expect.objectContaining({ attachmentId: officeFileId })] })]);
    expect(file!.status).toBe(200);
    expect(file!.body.url).toEqual(expect.any(String));
    expect(ticket!.status).toBe(201);
    expect(reply!.status).toBe(201);
    expect(reply!.body).toMatchObject({ from: 'citizen', kind: 'reply', text: 'Eine Antwort' });
    const after = await call('GET', statusPath(signed, '/messages'), { headers: bearer(owner) });
    expect(after.body.items.map((item: { kind: string }) => item.kind)).toEqual(['information', 'reply']);
  });

  it('leaves the status token working on the same case', async () => {
    const answer = await call('GET', statusPath(signed, '/messages'), { headers: { 'Status-Token': signed.statusToken } });
    expect(answer.status).toBe(200);
  });
});

describe('refused with the same 404 as a wrong status token', () => {
  it("another citizen's valid token", async () => {
    expectAllNotFound(await everyRoute(signed, bearer(other), officeFileId));
  });

  it("the owner's token once expired (signed by the stack, issued over 30 minutes ago)", async () => {
    expectAllNotFound(await everyRoute(signed, bearer(await expiredTokenOf(owner)), officeFileId));
  });

  it('a forged token (the signature replaced) and a bearer that is no JWT', async () => {
    const [header, payload] = owner.split('.');
    expectAllNotFound(await everyRoute(signed, bearer(`${header}.${payload}.${'A'.repeat(43)}`), officeFileId));
    expectAllNotFound(await everyRoute(signed, { Authorization: 'Bearer not-a-token' }, officeFileId));
  });

  it('any citizen token on a case submitted without sign-in (no stored citizen); its status token still works', async () => {
    expectAllNotFound(await everyRoute(open, bearer(owner), officeFileId));
    expect((await call('GET', statusPath(open, '/messages'), { headers: { 'Status-Token': open.statusToken } })).status).toBe(200);
  });

  it('an unknown reference, as a wrong status token', async () => {
    const unknown = { ...signed, reference: 'ZZZZ-ZZZZ-ZZZZ' };
    expectAllNotFound(await everyRoute(unknown, bearer(owner), officeFileId));
    const wrongStatus = await call('GET', statusPath(signed, '/messages'), { headers: { 'Status-Token': open.statusToken } });
    expect([wrongStatus.status, wrongStatus.body.type]).toEqual([404, 'urn:problem:not-found']);
  });

  it('neither header is the 400 of a missing Status-Token, as before', async () => {
    const answer = await call('GET', statusPath(signed, '/messages'));
    expect([answer.status, answer.body.type]).toEqual([400, 'urn:problem:malformed-request']);
  });
});
