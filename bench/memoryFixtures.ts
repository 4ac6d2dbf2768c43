import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackInfo } from '../infra/local/stack.ts';
import { call, clerkToken, type Answer } from '../test/support/api.ts';
import { answer, signIn, startLogin } from '../test/support/bundid.ts';
import { formCatalogue, sampleOf } from '../test/support/forms.ts';
import { fileOf, sha256Of, settledStatus, upload, uploaded } from '../test/support/uploads.ts';
import { conversationsFor, type CitizenCase, type Fixtures, type ProbedFunction } from './memoryRequests.ts';
import { rate } from './stats.ts';

/**
 * What the memory probe's requests name (bench/memoryRequests.ts), made through the bench's local
 * stack as a citizen, a clerk and the test IdP would make them, with the integration tests' helpers
 * (test/support: they find the stack through EGOV_STACK_FILE, which `withStackFile` sets).
 */

/** Runs `work` with the test helpers pointed at `stack` (its stack.json), as the integration project points them. */
export async function withStackFile<T>(stack: StackInfo, work: () => Promise<T>): Promise<T> {
  const before = process.env.EGOV_STACK_FILE;
  process.env.EGOV_STACK_FILE = join(stack.dataDir, 'stack.json');
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.EGOV_STACK_FILE;
    else process.env.EGOV_STACK_FILE = before;
  }
}

const FORM = 'fischereischein';

function expect201(what: string, answered: Answer): Answer {
  if (answered.status !== 201) throw new Error(`${what} answered ${answered.status}: ${answered.text}`);
  return answered;
}

const submitted = async (body: string, headers: Record<string, string> = {}, formId = FORM): Promise<CitizenCase> =>
  expect201('a submission', await call('POST', `/forms/${formId}/submissions`, { raw: body, headers: { 'content-type': 'application/json', ...headers } })).body as CitizenCase;

/** The first form of the catalogue that needs sign-in: its level, and its portal page to return to. */
function signInForm(): { formId: string; level: string; returnTo: string } {
  const form = formCatalogue()
    .list()
    .find((candidate) => candidate.authentication);
  if (!form?.authentication) throw new Error('no form of the catalogue needs sign-in: the sign-in routes have nothing to sign in for');
  return { formId: form.id, level: form.authentication.level, returnTo: `/portal/forms/${form.id}` };
}

/**
 * A case with a clerk's message and the citizen's reply carrying a clean PDF: what
 * the citizen's message routes read and download.
 */
async function messagedCase(body: string): Promise<Fixtures['messaged']> {
  const made = await submitted(body);
  const clerk = { Authorization: `Bearer ${await clerkToken('bench-clerk', ['ordnungsamt'])}` };
  const etag = (await call('GET', `/cases/${made.caseId}`, { headers: clerk })).headers.get('etag') ?? '';
  expect201('the clerk\'s message', await call('POST', `/cases/${made.caseId}/messages`, { body: { kind: 'information', text: 'Bitte reichen Sie den Nachweis nach.' }, headers: { ...clerk, 'if-match': etag } }));
  const status = `/status/${encodeURIComponent(made.reference)}`;
  const citizen = { 'Status-Token': made.statusToken };
  const bytes = fileOf.pdf();
  const ticket = expect201('the reply ticket', await call('POST', `${status}/attachments`, { body: { fileName: 'nachweis.pdf', mediaType: 'application/pdf', size: bytes.length, sha256: sha256Of(bytes) }, headers: citizen }));
  const put = await upload(ticket.body as { upload: { url: string; headers: Record<string, string> } }, bytes);
  if (put.status !== 200) throw new Error(`the reply file's upload answered ${put.status}`);
  const replyFileId = (ticket.body as { attachmentId: string }).attachmentId;
  const scanned = await settledStatus(FORM, replyFileId);
  if (scanned.status !== 'clean') throw new Error(`the reply file was ${scanned.status}`);
  expect201('the reply', await call('POST', `${status}/replies`, { body: { text: 'Anbei der Nachweis.', attachments: [replyFileId] }, headers: citizen }));
  return { ...made, replyFileId };
}

/** The fixtures every probe may use, for probes of `requests` requests each. */
export async function baseFixtures(requests: number): Promise<Fixtures> {
  const sample = sampleOf(FORM);
  const body = JSON.stringify({ data: sample });
  const exportFrom = new Date().toISOString();
  const read = await submitted(body);
  const photo = await uploaded(FORM, { field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', bytes: fileOf.png() });
  if (photo.status !== 'clean') throw new Error(`the bench photo was ${photo.status}`);
  const fileCaseId = (await submitted(JSON.stringify({ data: { ...sample, photo: photo.attachmentId } }))).caseId;
  // The export covers these few cases (as in the earlier runs), not the ones the submit probe makes
  // (1,000 > its limit) nor the conversation cases below.
  const exportTo = new Date().toISOString();
  const messaged = await messagedCase(body);
  const conversations: CitizenCase[] = [];
  for (let i = 0; i < conversationsFor(requests); i++) conversations.push(await submitted(body));
  const { level, returnTo } = signInForm();
  return { body, read, attachmentId: photo.attachmentId, fileCaseId, exportFrom, exportTo, messaged, conversations, signIn: { level, returnTo } };
}

/** The IdP's answers to `requests` logins of their own, one file each (`<i>.json`), in a folder of the stack's data dir. */
async function acsPosts(stack: StackInfo, fixtures: Fixtures, requests: number): Promise<string> {
  const dir = join(stack.dataDir, 'bench-acs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await rate(requests, 4, async (i) => {
    const login = await startLogin(fixtures.signIn.level, fixtures.signIn.returnTo);
    if (login.status !== 200 || !login.cookie || !login.requestId) throw new Error(`a login answered ${login.status}`);
    writeFileSync(join(dir, `${i}.json`), JSON.stringify({ cookie: login.cookie, samlResponse: answer(login.requestId) }), { mode: 0o600 });
  });
  return dir;
}

/** What one probe needs made just before it runs. */
export async function fixturesFor(name: ProbedFunction, stack: StackInfo, fixtures: Fixtures, requests: number): Promise<Partial<Fixtures>> {
  switch (name) {
    case 'updateCase':
      return { changeCaseId: (await submitted(fixtures.body)).caseId };
    case 'bundidAcs':
      return { acsDir: await acsPosts(stack, fixtures, requests) };
    case 'myCases': {
      // A signed-in citizen with a case of the form that needs sign-in.
      const { formId, level } = signInForm();
      const citizenToken = await signIn(level as Parameters<typeof signIn>[0]);
      await submitted(JSON.stringify({ data: sampleOf(formId) }), { Authorization: `Bearer ${citizenToken}` }, formId);
      return { citizenToken };
    }
    default:
      return {};
  }
}
