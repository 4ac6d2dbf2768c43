import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { functions } from '../functions/functions.ts';
import { MAX_REPLIES } from '../functions/lib/messages/model.ts';
import { apiEvent, submissionEvent } from '../test/support/events.ts';

/**
 * The requests of the memory probe (bench/memoryProbe.ts), per HTTP function: the one list of the
 * routes it measures (bench/memory.ts lists every other HTTP function as not measured). Each probe
 * sends its route one request after another, as one warm instance would receive them; the ids,
 * tokens and cases they name are made first by bench/memory.ts (`Fixtures`).
 */

/** A case as a citizen knows it (the submission's answer). */
export interface CitizenCase {
  caseId: string;
  reference: string;
  statusToken: string;
}

/** What the probes' requests name. */
export interface Fixtures {
  /** The body of a submission (the submit probe's, and the cases made here). */
  body: string;
  /** A case the clerk's read routes read; its reference and status token for the citizen's. */
  read: CitizenCase;
  /** A case of updateCase's own, so that its versions are known to the probe (made just before it). */
  changeCaseId?: string;
  /** A clean file's id, and a case it is bound to. */
  attachmentId: string;
  fileCaseId: string;
  /** The export's bounds: the two cases the memory run makes first, not the clerk-path bench's 10,000, the submit probe's 1,000 or the conversation cases. */
  exportFrom: string;
  exportTo: string;
  /** A case with a clerk's message and the citizen's reply with a file (`replyFileId`): what the citizen's message routes read. */
  messaged: CitizenCase & { replyFileId: string };
  /**
   * Cases the clerk's messages and the citizen's replies go to, MAX_REPLIES requests per case (a
   * case takes at most that many replies; the messages are spread alike, so that no case's
   * partition grows to 1,000 messages, which its load would then read at every request).
   */
  conversations: CitizenCase[];
  /** The sign-in: the trust level asked for and the portal path to return to (the first form that needs sign-in). */
  signIn: { level: string; returnTo: string };
  /** A citizen token of that level (made just before the myCases probe: it lives 30 minutes). */
  citizenToken?: string;
  /** A folder of the ACS's posts, `<i>.json` = `{ cookie, samlResponse }`, each answering a login of its own (made just before the ACS probe). */
  acsDir?: string;
}

export interface Probe {
  /** The status every answer must have. */
  expected: number;
  request(i: number): APIGatewayProxyEvent;
  /** Reads an answer (the case versions the next request must name). */
  answered?(i: number, answer: APIGatewayProxyResult): void;
}

const clerk = { sub: 'bench-clerk', offices: ['ordnungsamt'] };
const json = { 'Content-Type': 'application/json' };
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(56, 1)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(56, 1)]);
const fileTicket = (fileName: string, mediaType: string, bytes: Buffer) => ({ fileName, mediaType, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('base64') });
const asCitizen = (c: CitizenCase) => ({ 'Status-Token': c.statusToken });
/** The case of the i-th request of a route that may send MAX_REPLIES requests per case. */
const conversationOf = (f: Fixtures, i: number): CitizenCase => {
  const found = f.conversations[Math.floor(i / MAX_REPLIES)];
  if (!found) throw new Error(`request ${i} needs conversation case ${Math.floor(i / MAX_REPLIES)}; ${f.conversations.length} were made`);
  return found;
};
/** How many conversation cases `requests` requests need. */
export const conversationsFor = (requests: number): number => Math.ceil(requests / MAX_REPLIES);

/** Follows a case's version through its answers, as a console sends `If-Match`. */
function versions(): { ifMatch(caseId: string): string; answered(caseId: string, answer: APIGatewayProxyResult): void } {
  const known = new Map<string, number>();
  return {
    ifMatch: (caseId) => `"${known.get(caseId) ?? 1}"`,
    answered: (caseId, answer) => known.set(caseId, (JSON.parse(answer.body) as { version: number }).version),
  };
}

export const PROBES = {
  listForms: () => ({ expected: 200, request: () => apiEvent({ resource: '/forms' }) }),
  getForm: () => ({ expected: 200, request: () => apiEvent({ resource: '/forms/{formId}', pathParameters: { formId: 'fischereischein' } }) }),
  submit: (f) => ({ expected: 201, request: (i) => submissionEvent('fischereischein', f.body, { 'Idempotency-Key': `memory-${process.pid}-${i}` }) }),
  listCases: () => ({ expected: 200, request: () => apiEvent({ resource: '/cases', clerk }) }),
  getCase: (f) => ({ expected: 200, request: () => apiEvent({ resource: '/cases/{caseId}', pathParameters: { caseId: f.read.caseId }, clerk }) }),
  updateCase: (f) => {
    const caseId = f.changeCaseId ?? '';
    const version = versions();
    let status = 'received';
    return {
      expected: 200,
      request: () =>
        apiEvent({
          method: 'PATCH',
          resource: '/cases/{caseId}',
          pathParameters: { caseId },
          headers: { ...json, 'If-Match': version.ifMatch(caseId) },
          body: JSON.stringify({ status: status === 'in_review' ? 'needs_info' : 'in_review' }),
          clerk,
        }),
      answered: (_, answer) => {
        version.answered(caseId, answer);
        status = (JSON.parse(answer.body) as { status: string }).status;
      },
    };
  },
  listEvents: (f) => ({ expected: 200, request: () => apiEvent({ resource: '/cases/{caseId}/events', pathParameters: { caseId: f.read.caseId }, clerk }) }),
  openapi: () => ({ expected: 200, request: () => apiEvent({ resource: '/openapi.json' }) }),
  attachmentTicket: () => ({
    expected: 201,
    request: () =>
      apiEvent({
        method: 'POST',
        resource: '/forms/{formId}/attachments',
        pathParameters: { formId: 'fischereischein' },
        headers: json,
        body: JSON.stringify({ field: '/photo', ...fileTicket('passbild.png', 'image/png', PNG) }),
      }),
  }),
  attachmentStatus: (f) => ({
    expected: 200,
    request: () => apiEvent({ resource: '/forms/{formId}/attachments/{attachmentId}', pathParameters: { formId: 'fischereischein', attachmentId: f.attachmentId } }),
  }),
  downloadAttachment: (f) => ({
    expected: 200,
    request: () => apiEvent({ resource: '/cases/{caseId}/attachments/{attachmentId}', pathParameters: { caseId: f.fileCaseId, attachmentId: f.attachmentId }, clerk }),
  }),
  getStatus: (f) => ({ expected: 200, request: () => apiEvent({ resource: '/status/{reference}', pathParameters: { reference: f.read.reference }, headers: asCitizen(f.read) }) }),
  getAccesses: (f) => ({
    expected: 200,
    request: () => apiEvent({ resource: '/status/{reference}/accesses', pathParameters: { reference: f.read.reference }, headers: asCitizen(f.read) }),
  }),
  sendMessage: (f) => {
    const version = versions();
    return {
      expected: 201,
      request: (i) => {
        const { caseId } = conversationOf(f, i);
        return apiEvent({
          method: 'POST',
          resource: '/cases/{caseId}/messages',
          pathParameters: { caseId },
          headers: { ...json, 'If-Match': version.ifMatch(caseId) },
          body: JSON.stringify({ kind: 'information', text: 'Ihr Antrag ist eingegangen und wird bearbeitet.' }),
          clerk,
        });
      },
      answered: (i, answer) => version.answered(conversationOf(f, i).caseId, answer),
    };
  },
  messageTicket: (f) => ({
    expected: 201,
    request: () =>
      apiEvent({ method: 'POST', resource: '/cases/{caseId}/attachments', pathParameters: { caseId: f.messaged.caseId }, headers: json, body: JSON.stringify(fileTicket('bescheid.pdf', 'application/pdf', PDF)), clerk }),
  }),
  citizenMessages: (f) => ({
    expected: 200,
    request: () => apiEvent({ resource: '/status/{reference}/messages', pathParameters: { reference: f.messaged.reference }, headers: asCitizen(f.messaged) }),
  }),
  citizenDownload: (f) => ({
    expected: 200,
    request: () =>
      apiEvent({
        resource: '/status/{reference}/attachments/{attachmentId}',
        pathParameters: { reference: f.messaged.reference, attachmentId: f.messaged.replyFileId },
        headers: asCitizen(f.messaged),
      }),
  }),
  citizenReply: (f) => ({
    expected: 201,
    request: (i) => {
      const conversation = conversationOf(f, i);
      return apiEvent({
        method: 'POST',
        resource: '/status/{reference}/replies',
        pathParameters: { reference: conversation.reference },
        headers: { ...json, ...asCitizen(conversation) },
        body: JSON.stringify({ text: 'Vielen Dank, die Unterlagen reiche ich nach.' }),
      });
    },
  }),
  replyTicket: (f) => ({
    expected: 201,
    request: () =>
      apiEvent({
        method: 'POST',
        resource: '/status/{reference}/attachments',
        pathParameters: { reference: f.messaged.reference },
        headers: { ...json, ...asCitizen(f.messaged) },
        body: JSON.stringify(fileTicket('nachweis.pdf', 'application/pdf', PDF)),
      }),
  }),
  bundidLogin: (f) => ({ expected: 200, request: () => apiEvent({ resource: '/auth/bundid/login', query: { level: f.signIn.level, returnTo: f.signIn.returnTo } }) }),
  bundidMetadata: () => ({ expected: 200, request: () => apiEvent({ resource: '/auth/bundid/metadata' }) }),
  bundidAcs: (f) => ({
    // The redirect to the portal with the citizen token; a refused answer is a page (never a token).
    expected: 303,
    request: (i) => {
      const { cookie, samlResponse } = JSON.parse(readFileSync(join(f.acsDir ?? '', `${i}.json`), 'utf8')) as { cookie: string; samlResponse: string };
      return apiEvent({
        method: 'POST',
        resource: '/auth/bundid/acs',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
        body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
      });
    },
  }),
  myCases: (f) => ({ expected: 200, request: () => apiEvent({ resource: '/me/cases', headers: { Authorization: `Bearer ${f.citizenToken ?? ''}` } }) }),
  exportCases: (f) => ({
    expected: 200,
    request: () => apiEvent({ resource: '/cases/export', query: { office: 'ordnungsamt', formId: 'fischereischein', from: f.exportFrom, to: f.exportTo, format: 'csv' }, clerk }),
  }),
} satisfies Partial<Record<keyof typeof functions, (fixtures: Fixtures) => Probe>>;

export type ProbedFunction = keyof typeof PROBES;

export const isProbed = (name: string): name is ProbedFunction => Object.hasOwn(PROBES, name);
